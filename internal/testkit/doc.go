// Package testkit has helpers shared by tests: a raw RESP client that
// returns replies byte for byte, a RESP value parser for structural
// comparison, and a launcher for Debian's redis-server as an oracle.
package testkit
