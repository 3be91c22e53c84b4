// Package diff holds the differential tests: every test sends the same
// commands to Redwing (embedded, in-process) and to a real redis-server
// started on a free loopback port, and compares the raw replies.
package diff
