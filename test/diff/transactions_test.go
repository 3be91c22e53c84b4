package diff

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

// MULTI, EXEC, DISCARD, WATCH, UNWATCH.

func TestTxBasic(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MULTI"),
		c("SET", "a", "1"),
		c("INCR", "a"),
		c("GET", "a"),
		c("GET", "missing"),
		c("EXEC"),
		c("GET", "a"),
	)
	// An empty transaction.
	p.run(c("MULTI"), c("EXEC"))
	// Errors.
	p.run(
		c("EXEC"),
		c("DISCARD"),
		c("MULTI"),
		c("MULTI"), // nested: an error, the transaction goes on
		c("INCR", "a"),
		c("EXEC"),
	)
	p.run(c("MULTI"), c("SET", "a", "x"), c("DISCARD"), c("GET", "a"), c("EXEC"), c("DISCARD"))
	// Arity of the control commands.
	p.run(c("MULTI", "x"), c("DISCARD", "x"), c("UNWATCH", "x"), c("WATCH"))
}

func TestTxRuntimeErrors(t *testing.T) {
	p := newPair(t)
	p.do("SET", "s", "notanumber")
	p.run(
		c("MULTI"),
		c("INCR", "s"),     // fails at run time: the others still run
		c("SET", "b", "2"), //
		c("INCRBYFLOAT", "s", "1"),
		c("GET", "b"),
		c("EXEC"),
		c("GET", "b"),
	)
	if p.cnHas("lpush") {
		p.run(c("MULTI"), c("LPUSH", "s", "x"), c("SET", "b", "3"), c("EXEC"), c("GET", "b"))
	}
}

func TestTxAbort(t *testing.T) {
	p := newPair(t)
	// A command rejected while queueing dooms the transaction.
	p.run(c("MULTI"), c("SET", "k", "1"), c("NOSUCHCOMMAND", "x"), c("SET", "k", "2"), c("EXEC"), c("GET", "k"))
	p.run(c("MULTI"), c("SET", "k", "1"), c("GET"), c("EXEC"), c("GET", "k"))
	p.run(c("MULTI"), c("SET", "k", "1"), c("MULTI", "x"), c("EXEC"))
	p.run(c("MULTI"), c("DISCARD", "x"), c("EXEC"))
	p.run(c("MULTI"), c("CLIENT", "nosuchsub"), c("EXEC"))
	p.run(c("MULTI"), c("CLIENT", "SETNAME"), c("EXEC"))
	// After EXECABORT the client is out of MULTI.
	p.run(c("EXEC"), c("DISCARD"))
	// A rejected EXEC aborts the transaction and says why.
	p.run(c("EXEC", "x"))
	p.run(c("MULTI"), c("SET", "k", "3"), c("EXEC", "x"), c("EXEC"), c("GET", "k"))
	// Errors that the command itself reports do not abort.
	p.run(c("MULTI"), c("MULTI"), c("WATCH", "k"), c("SET", "k", "4"), c("EXEC"), c("GET", "k"))
}

func TestTxQueuedSpecialCommands(t *testing.T) {
	p := newPair(t)
	// SELECT inside a transaction switches the database for what follows.
	p.run(
		c("MULTI"),
		c("SET", "k", "db0"),
		c("SELECT", "5"),
		c("SET", "k", "db5"),
		c("GET", "k"),
		c("EXEC"),
		c("GET", "k"),
		c("SELECT", "0"),
		c("GET", "k"),
	)
	// PING and ECHO inside a transaction; UNWATCH is queued.
	p.run(c("MULTI"), c("PING"), c("ECHO", "e"), c("UNWATCH"), c("EXEC"))
	// CLIENT INFO inside EXEC shows the transaction.
	p.do("MULTI")
	p.do("CLIENT", "INFO")
	a, b := p.both("EXEC")
	if len(a.Elems) != 1 || len(b.Elems) != 1 {
		t.Fatalf("EXEC of CLIENT INFO: %q / %q", a.Raw, b.Raw)
	}
	if x, y := cnClientLineNorm(a.Elems[0].Str), cnClientLineNorm(b.Elems[0].Str); x != y {
		t.Errorf("CLIENT INFO inside EXEC:\n redwing: %s\n   redis: %s", x, y)
	}
	// QUIT inside MULTI is not queued.
	p.do("MULTI")
	p.do("SET", "q", "1")
	p.do("QUIT")
	p.cnClosed("QUIT in MULTI")
	p = newPair(t)
	p.do("GET", "q")
	// RESET inside MULTI discards.
	p.run(c("MULTI"), c("SET", "r", "1"), c("RESET"), c("EXEC"), c("GET", "r"))
}

func TestTxResp3(t *testing.T) {
	p := newPair(t)
	p.resp3()
	p.run(
		c("MULTI"),
		c("SET", "a", "1"),
		c("GET", "a"),
		c("GET", "missing"),
		c("HELLO", "3", "SETNAME", "x"), /* queued */
	)
	a, b := p.both("EXEC")
	if cnHelloNorm(a.Raw) != cnHelloNorm(b.Raw) {
		t.Errorf("EXEC:\n redwing: %q\n   redis: %q", a.Raw, b.Raw)
	}
	// A failed WATCH gives the RESP3 null.
	q := p.another()
	p.do("WATCH", "a")
	q.do("SET", "a", "2")
	p.run(c("MULTI"), c("GET", "a"), c("EXEC"))
}

func TestTxWatch(t *testing.T) {
	p := newPair(t)
	q := p.another()
	// Not modified: EXEC runs.
	p.run(c("SET", "w", "1"), c("WATCH", "w"), c("MULTI"), c("INCR", "w"), c("EXEC"))
	// Modified by another client: null array, nothing runs.
	p.run(c("WATCH", "w"))
	q.do("SET", "w", "10")
	p.run(c("MULTI"), c("INCR", "w"), c("EXEC"), c("GET", "w"))
	// The watch ends with EXEC: a later change does not matter.
	q.do("SET", "w", "11")
	p.run(c("MULTI"), c("INCR", "w"), c("EXEC"))
	// A write with the same value still counts.
	p.run(c("WATCH", "w"))
	q.do("SET", "w", "12")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// The client's own write counts too.
	p.run(c("WATCH", "w"), c("SET", "w", "own"), c("MULTI"), c("PING"), c("EXEC"))
	// UNWATCH forgets.
	p.run(c("WATCH", "w"), c("UNWATCH"))
	q.do("SET", "w", "13")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// DISCARD forgets.
	p.run(c("WATCH", "w"), c("MULTI"), c("DISCARD"))
	q.do("SET", "w", "14")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// Several keys, one of them modified; WATCH can be called repeatedly.
	p.run(c("WATCH", "x1", "x2"), c("WATCH", "x3", "x1"))
	q.do("SET", "x3", "v")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// A missing key that gets created.
	p.run(c("WATCH", "nokey"))
	q.do("SET", "nokey", "v")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// Deleting a missing key changes nothing.
	p.run(c("WATCH", "nokey2"))
	q.do("DEL", "nokey2")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// Reads do not touch.
	p.run(c("WATCH", "w"))
	q.do("GET", "w")
	q.do("EXISTS", "w")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// DEL, EXPIRE and PERSIST of a watched key touch it.
	for _, mod := range [][]string{{"DEL", "w"}, {"EXPIRE", "w", "100"}, {"PERSIST", "w"}, {"APPEND", "w", "x"}} {
		q.do("SET", "w", "v")
		q.do("EXPIRE", "w", "1000")
		p.run(c("WATCH", "w"))
		q.do(mod...)
		p.run(c("MULTI"), c("PING"), c("EXEC"))
	}
	// The watched key lives in the database where WATCH ran.
	p.run(c("WATCH", "dbk"))
	q.run(c("SELECT", "1"), c("SET", "dbk", "in1"), c("SELECT", "0"))
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	p.run(c("SELECT", "2"), c("WATCH", "dbk"), c("SELECT", "0"))
	q.run(c("SELECT", "2"), c("SET", "dbk", "in2"), c("SELECT", "0"))
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// FLUSHALL touches watched keys that exist.
	q.do("SET", "fk", "v")
	p.run(c("WATCH", "fk"))
	q.do("FLUSHALL")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	q.do("SET", "fk", "v")
	p.run(c("WATCH", "fk"))
	q.do("FLUSHDB")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// The watch's dirty state shows as flag d.
	p.run(c("WATCH", "fk"))
	q.do("SET", "fk", "v2")
	p.cnClientInfo("CLIENT", "INFO")
	p.do("UNWATCH")
	p.cnClientInfo("CLIENT", "INFO")
}

// Redis only touches watched keys that a flush actually removes; the
// engine's DBFlushed hook runs after the database is emptied and touches
// every watched key of the database.
func TestTxWatchFlushMissingKey(t *testing.T) {
	p := newPair(t)
	q := p.another()
	p.run(c("WATCH", "absent"))
	q.do("SET", "other", "v")
	q.do("FLUSHALL")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
}

func TestTxWatchExpire(t *testing.T) {
	p := newPair(t)
	q := p.another()
	// A key that was live at WATCH and expires before EXEC fails the
	// transaction, even if nobody looked at it.
	p.do("SET", "e1", "v", "PX", "100")
	p.run(c("WATCH", "e1"))
	sleepMs(150)
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// A key already expired when watched does not.
	p.do("SET", "e2", "v", "PX", "1")
	sleepMs(20)
	p.run(c("WATCH", "e2"), c("MULTI"), c("PING"), c("EXEC"))
	// Nor does its removal by a read of another client.
	p.do("SET", "e3", "v", "PX", "1")
	sleepMs(20)
	p.run(c("WATCH", "e3"))
	q.do("GET", "e3")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// But writing it does.
	p.do("SET", "e4", "v", "PX", "1")
	sleepMs(20)
	p.run(c("WATCH", "e4"))
	q.do("SET", "e4", "new")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
	// Giving a TTL in the past deletes the key: a change.
	p.do("SET", "e5", "v")
	p.run(c("WATCH", "e5"))
	q.do("EXPIREAT", "e5", "1")
	p.run(c("MULTI"), c("PING"), c("EXEC"))
}

func TestTxClientListView(t *testing.T) {
	p := newPair(t)
	q := p.another()
	qa, qb := q.cnIDs()
	q.run(c("MULTI"), c("SET", "a", "1"), c("GET", "a"), c("PING"))
	p.cnBothInfo([]string{"CLIENT", "LIST", "ID", qa}, []string{"CLIENT", "LIST", "ID", qb})
	q.do("EXEC")
	p.cnBothInfo([]string{"CLIENT", "LIST", "ID", qa}, []string{"CLIENT", "LIST", "ID", qb})
}

// Concurrent WATCH/MULTI/EXEC increments from several connections never
// lose an update and agree with Redis on the final value.
func TestTxWatchConcurrentCounter(t *testing.T) {
	p := newPair(t)
	p.do("SET", "counter", "0")
	const workers, iters = 8, 25
	for _, addr := range []string{redwingAddr, redisAddr} {
		errc := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				errc <- txIncrWorker(addr, iters)
			}()
		}
		for w := 0; w < workers; w++ {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
	}
	p.do("GET", "counter")
}

// txIncrWorker increments "counter" iters times with optimistic locking.
func txIncrWorker(addr string, iters int) error {
	cl, err := testkit.Dial(addr)
	if err != nil {
		return err
	}
	defer cl.Close()
	for i := 0; i < iters; {
		if _, err := cl.Do("WATCH", "counter"); err != nil {
			return err
		}
		v, err := cl.Do("GET", "counter")
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(v.Str)
		if err != nil {
			return fmt.Errorf("GET counter: %q", v.Raw)
		}
		if _, err := cl.Do("MULTI"); err != nil {
			return err
		}
		if _, err := cl.Do("SET", "counter", strconv.Itoa(n+1)); err != nil {
			return err
		}
		r, err := cl.Do("EXEC")
		if err != nil {
			return err
		}
		if r.Null {
			continue // somebody else won: retry
		}
		if len(r.Elems) != 1 || r.Elems[0].Str != "OK" {
			return fmt.Errorf("EXEC: %q", r.Raw)
		}
		i++
	}
	return nil
}
