//go:build !unix

package main

import "errors"

func startDaemon() error { return errors.New("daemonize is not supported on this platform") }
