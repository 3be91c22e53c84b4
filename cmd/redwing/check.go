package main

import (
	"fmt"
	"os"

	"github.com/redwingdb/redwing/internal/persist/aof"
	"github.com/redwingdb/redwing/internal/persist/rdb"
)

// checkTool runs "redwing check-aof [--fix] <file|manifest|dir>" or
// "redwing check-rdb <file>" (redis-check-aof and redis-check-rdb) and
// returns the exit status: 0 valid (or fixed), 1 invalid or error.
func checkTool(tool string, args []string) int {
	switch tool {
	case "check-rdb":
		if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(os.Stderr, "Usage: redwing check-rdb <rdb-file-name>")
			return 1
		}
		if rdb.CheckFile(args[0], os.Stdout) != nil {
			return 1
		}
		return 0
	default:
		fix := false
		var files []string
		for _, a := range args {
			if a == "--fix" {
				fix = true
			} else {
				files = append(files, a)
			}
		}
		if len(files) != 1 || files[0] == "-h" || files[0] == "--help" {
			fmt.Fprintln(os.Stderr, "Usage: redwing check-aof [--fix] <file.aof|file.manifest|appendonlydir>")
			return 1
		}
		target := files[0]
		if aof.CheckPath(target, fix, os.Stdout) != nil {
			return 1
		}
		return 0
	}
}
