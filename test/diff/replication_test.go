package diff

import (
	"strconv"
	"testing"
)

// TestStandaloneReplicationAndCluster: a master without replicas and with
// cluster support disabled, as Debian's redis-server runs: ROLE, WAIT,
// FAILOVER, the CLUSTER family, READONLY/READWRITE/ASKING and MODULE.
func TestStandaloneReplicationAndCluster(t *testing.T) {
	p := newPair(t)
	p.run(
		c("ROLE"),
		c("ROLE", "x"),
		c("WAIT", "0", "0"),
		c("WAIT", "-1", "0"),
		c("WAIT", "1", "50"),
		c("WAIT", "x", "0"),
		c("WAIT", "0", "-1"),
		c("WAIT", "0", "1.5"),
		c("WAIT", "0", "9223372036854775807"),
		c("WAIT", "0"),
		c("FAILOVER"),
		c("FAILOVER", "ABORT"),
		c("FAILOVER", "abort"),
		c("FAILOVER", "ABORT", "TIMEOUT", "10"),
		c("FAILOVER", "ABORT", "ABORT"),
		c("FAILOVER", "TO", "127.0.0.1", "1"),
		c("FAILOVER", "TO", "h"),
		c("FAILOVER", "TO", "h", "x"),
		c("FAILOVER", "TO", "h", "1", "FORCE"),
		c("FAILOVER", "FORCE"),
		c("FAILOVER", "FORCE", "FORCE"),
		c("FAILOVER", "TIMEOUT", "-1"),
		c("FAILOVER", "TIMEOUT", "0"),
		c("FAILOVER", "TIMEOUT", "x"),
		c("FAILOVER", "TIMEOUT", "10", "TIMEOUT", "10"),
		c("FAILOVER", "BOGUS"),
		c("CLUSTER", "INFO"),
		c("CLUSTER", "SLOTS"),
		c("CLUSTER", "SHARDS"),
		c("CLUSTER", "NODES"),
		c("CLUSTER", "MYID"),
		c("CLUSTER", "KEYSLOT", "foo"),
		c("CLUSTER", "HELP"),
		c("CLUSTER", "NOSUCH"),
		c("CLUSTER", "INFO", "extra"),
		c("CLUSTER"),
		c("READONLY"),
		c("READWRITE"),
		c("ASKING"),
		c("READONLY", "x"),
		c("MODULE", "LIST"),
		c("MODULE", "LIST", "extra"),
		c("MODULE", "HELP"),
		c("MODULE", "NOSUCH"),
		c("MODULE", "LOAD", "/nonexistent.so"),
		c("MODULE", "LOADEX", "/nonexistent.so"),
		c("MODULE", "UNLOAD", "foo"),
		c("MODULE"),
	)
	p.resp3()
	p.run(c("ROLE"), c("MODULE", "LIST"), c("WAIT", "0", "0"))
	// WAIT inside MULTI never blocks.
	p.run(c("MULTI"), c("WAIT", "1", "0"), c("EXEC"))
}

// TestWaitBlocksUntilUnblocked: WAIT 1 0 blocks (forever, no replica will
// ever acknowledge) until CLIENT UNBLOCK, then replies 0; with ERROR the
// UNBLOCKED error.
func TestWaitBlocksUntilUnblocked(t *testing.T) {
	p := newPair(t)
	q := p.another()
	idRW, _ := q.rw.Do("CLIENT", "ID")
	idRD, _ := q.rd.Do("CLIENT", "ID")
	for _, mode := range []string{"TIMEOUT", "ERROR"} {
		blkSend(q, "WAIT", "1", "0")
		blkWait(p, 1)
		a, _ := p.rw.Do("CLIENT", "UNBLOCK", strconv.FormatInt(idRW.Int, 10), mode)
		b, _ := p.rd.Do("CLIENT", "UNBLOCK", strconv.FormatInt(idRD.Int, 10), mode)
		if string(a.Raw) != string(b.Raw) || a.Int != 1 {
			t.Fatalf("CLIENT UNBLOCK %s: redwing %s, redis %s", mode, a, b)
		}
		blkRead(q, "WAIT unblocked ("+mode+")")
		blkWait(p, 0)
	}
	// A timeout ends it too.
	blkSend(q, "WAIT", "1", "30")
	blkRead(q, "WAIT 1 30")
}
