package diff

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing"
	"github.com/redwingdb/redwing/internal/testkit"
)

// Raw protocol: inline commands, pipelining, protocol errors (after which
// both servers close the connection), the texts of the unknown-command and
// arity errors, and authentication.

func TestProtoInline(t *testing.T) {
	p := newPair(t)
	p.sendRaw("PING\r\n")
	p.sendRaw("ping\n")
	p.sendRaw("ECHO hello\r\n")
	p.sendRaw("SET \"a b\" 'c d'\r\n")
	p.sendRaw("GET \"a b\"\r\n")
	p.sendRaw("ECHO \"\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\\"q\"\r\n")
	p.sendRaw("ECHO \"\\xZZ\\x4\"\r\n")
	p.sendRaw("ECHO 'it\\'s'\r\n")
	p.sendRaw("ECHO 'no \\n escape'\r\n")
	p.sendRaw("ECHO \"\"\r\n")
	p.sendRaw("ECHO ''\r\n")
	p.sendRaw("   ECHO    spaced   \t  \r\n")
	p.sendRaw("\r\n\r\n\n   \r\nPING\r\n")
	p.cnPipe("SET k v\r\nGET k\r\n", 2)
	p.do("GET", "k")
	p.sendRaw("ECHO\r\n")
	p.sendRaw("ECHO a\"b\"\r\n") // a quote may open inside a word
	p.sendRaw("NOSUCH 'a' \"b\"\r\n")
	p.cnPipe("PING\nECHO x\nPING\r\n", 3)
	// Unbalanced quotes: a protocol error, then the connection closes.
	p.sendRaw("ECHO \"abc\r\n")
	p.cnClosed("unbalanced double quote")
	for _, raw := range []string{"ECHO 'abc\r\n", "ECHO \"abc\"def\r\n", "ECHO 'abc'def\r\n", "ECHO a\"b\r\n"} {
		p = connectPair(t)
		p.sendRaw(raw)
		p.cnClosed(fmt.Sprintf("%q", raw))
	}
}

func TestProtoPipeline(t *testing.T) {
	p := newPair(t)
	var b strings.Builder
	n := 0
	for i := 0; i < 300; i++ {
		switch i % 5 {
		case 0:
			b.Write(testkit.Encode("SET", fmt.Sprintf("pk%d", i%7), fmt.Sprint(i)))
		case 1:
			b.Write(testkit.Encode("INCR", "pcounter"))
		case 2:
			b.Write(testkit.Encode("GET", fmt.Sprintf("pk%d", i%7)))
		case 3:
			fmt.Fprintf(&b, "ECHO inline%d\r\n", i)
		case 4:
			b.Write(testkit.Encode("NOSUCH", "x"))
		}
		n++
	}
	p.cnPipe(b.String(), n)
	// The same pipeline delivered in awkward pieces.
	raw := b.String()
	for _, s := range []struct {
		c *testkit.Client
	}{{p.rw}, {p.rd}} {
		for i := 0; i < len(raw); i += 7 {
			end := i + 7
			if end > len(raw) {
				end = len(raw)
			}
			if err := s.c.Send([]byte(raw[i:end])); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < n; i++ {
		a, errA := p.rw.ReadTimeout(2 * time.Second)
		c, errB := p.rd.ReadTimeout(2 * time.Second)
		if errA != nil || errB != nil || string(a.Raw) != string(c.Raw) {
			t.Fatalf("split pipeline reply %d: %q (%v) / %q (%v)", i, a.Raw, errA, c.Raw, errB)
		}
	}
	// MULTI/EXEC inside one write.
	p.cnPipe("MULTI\r\nINCR pcounter\r\nGET pcounter\r\nEXEC\r\n", 4)
	// A large value across many reads.
	big := strings.Repeat("0123456789", 100000)
	p.do("SET", "big", big)
	p.do("STRLEN", "big")
	p.do("ECHO", big)
}

func TestProtoErrors(t *testing.T) {
	for _, raw := range []string{
		"*1\r\nx\r\n",
		"*2\r\n$4\r\nECHO\r\n:1\r\n",
		"*abc\r\n",
		"*1x\r\n",
		"*3000000000\r\n",
		"*1\r\n$abc\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$-5\r\n",
		"*1\r\n$600000000\r\n",
		"*1\r\n$ 4\r\nPING\r\n",
		"*2\r\n$4\r\nPING\r\n$x\r\n",
	} {
		p := connectPair(t)
		p.sendRaw(raw)
		p.cnClosed(fmt.Sprintf("%q", raw))
	}
	// Replies to commands before the error in the same write are sent.
	p := connectPair(t)
	p.cnPipe("PING\r\nECHO before\r\n*1\r\nx\r\n", 3)
	p.cnClosed("error after commands")
	// Empty and negative multibulk counts are ignored.
	p = connectPair(t)
	p.sendRaw("*0\r\n*-1\r\n*-10\r\nPING\r\n")
	// A bulk longer than announced: its extra bytes are skipped.
	p.sendRaw("*2\r\n$4\r\nECHO\r\n$3\r\nabcde\r\n")
	p.sendRaw("*1\r\n$4\r\nPINGxx")
}

func TestProtoSecurity(t *testing.T) {
	// HTTP requests sent to the port close the connection without a reply,
	// dropping replies still buffered for the same read.
	for _, raw := range []string{
		"POST / HTTP/1.1\r\nHost: example\r\n\r\n",
		"PING\r\nHost: x\r\nPING\r\n",
		"*1\r\n$5\r\nHOST:\r\n",
		"post\r\n",
	} {
		p := connectPair(t)
		if err := p.rw.Send([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		if err := p.rd.Send([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		p.cnClosed(fmt.Sprintf("%q", raw))
	}
}

func TestProtoUnknownCommand(t *testing.T) {
	p := newPair(t)
	long := strings.Repeat("x", 200)
	p.do("NOSUCH")
	p.do("nosuch", "a", "b", "c")
	p.do(long)
	p.do(long, long, long)
	p.do("NOSUCH", strings.Repeat("a", 100), strings.Repeat("b", 100), "c")
	p.do("NOSUCH", "with space", "new\nline", "cr\rhere")
	p.do("")
	p.do("", "")
	// A name with a NUL byte is unknown. Redis compares command names
	// with strcasecmp, which stops at the NUL, but hashes all the bytes:
	// when its random hash seed puts "GET\x00" in GET's bucket (about 1
	// start in 100) the oracle runs GET. Its usual reply is the contract.
	if a, _ := p.both("GET\x00", "k"); string(a.Raw) != "-ERR unknown command 'GET', with args beginning with: 'k' \r\n" {
		t.Errorf("GET\\x00: %s", a)
	}
	args := []string{"NOSUCH"}
	for i := 0; i < 100; i++ {
		args = append(args, fmt.Sprint(i))
	}
	p.do(args...)
	p.do("CLIENT", long)
	p.do("COMMAND", "nosuch", "x")
	p.do("client", "NoSuch")
}

func TestProtoArity(t *testing.T) {
	p := newPair(t)
	for _, args := range [][]string{
		{"GET"},
		{"get", "a", "b"},
		{"PING", "a", "b"},
		{"SELECT"},
		{"CLIENT"},
		{"CLIENT", "SETNAME"},
		{"client", "setname", "a", "b"},
		{"CLIENT", "KILL"},
		{"CLIENT", "ID", "x"},
		{"CLIENT", "LIST", "x"},
		{"COMMAND", "GETKEYS", "x"},
		{"COMMAND", "COUNT", "x"},
		{"COMMAND", "HELP", "x"},
		{"MULTI", "x"},
		{"EXEC", "x"},
		{"WATCH"},
		{"HELLO", "3", "AUTH"},
	} {
		p.do(args...)
	}
}

// protoAuthPair starts a redis-server and a Redwing server that both
// require the password "pw", for the duration of the test.
func protoAuthPair(t *testing.T) func() *pair {
	t.Helper()
	oracle, err := testkit.StartOracle("--requirepass", "pw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oracle.Stop)
	srv, err := redwing.Start(redwing.Config{Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return func() *pair {
		rw, err := testkit.Dial(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		rd, err := testkit.Dial(oracle.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rw.Close(); rd.Close() })
		return &pair{t: t, rw: rw, rd: rd}
	}
}

func TestProtoAuth(t *testing.T) {
	connect := protoAuthPair(t)
	p := connect()
	p.do("PING")
	p.do("GET", "k")
	p.do("NOSUCH", "x") // unknown before NOAUTH
	p.do("GET")         // arity before NOAUTH
	p.do("CLIENT", "ID")
	p.do("SELECT", "1")
	p.do("HELLO", "3")
	p.do("HELLO")
	p.do("MULTI")
	p.do("EXEC")
	p.do("DISCARD")
	p.do("AUTH", "wrong")
	p.do("AUTH", "default", "wrong")
	p.do("AUTH", "nouser", "pw")
	p.do("AUTH", "a", "b", "c")
	p.do("HELLO", "3", "AUTH", "default", "wrong")
	p.do("GET", "k")
	p.do("AUTH", "pw")
	p.do("GET", "k")
	p.do("SET", "k", "v")
	// A failed AUTH does not log an authenticated client out.
	p.do("AUTH", "wrong")
	p.do("GET", "k")
	// RESET returns to the unauthenticated state.
	p.do("RESET")
	p.do("GET", "k")
	p.do("AUTH", "default", "pw")
	p.do("GET", "k")
	p.do("QUIT")
	p.cnClosed("QUIT")

	// HELLO AUTH authenticates and switches protocol in one step.
	p = connect()
	p.cnHello("3", "AUTH", "default", "pw", "SETNAME", "h3")
	p.do("GET", "missing")
	p.do("CLIENT", "GETNAME")
	p.do("AUTH", "pw")

	// MULTI needs authentication; a transaction outlives nothing.
	p = connect()
	p.do("QUIT")
	p.cnClosed("QUIT before AUTH")
	p = connect()
	p.sendRaw("AUTH pw\r\nMULTI\r\nSET a 1\r\nRESET\r\nGET a\r\n")
	p.cnPipe("GET a\r\n", 1)
}

// Redis limits requests of unauthenticated clients and says so.
func TestProtoAuthLimits(t *testing.T) {
	connect := protoAuthPair(t)
	p := connect()
	p.sendRaw("*11\r\n")
	p.cnClosed("unauthenticated multibulk")
	p = connect()
	p.sendRaw("*2\r\n$16385\r\n")
	p.cnClosed("unauthenticated bulk")
}
