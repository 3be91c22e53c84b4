package testkit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Value is a parsed RESP reply. Raw holds its exact bytes.
type Value struct {
	Type  byte // '+', '-', ':', '$', '*', '%', '~', '>', ',', '#', '_', '(', '=', '|'
	Str   string
	Int   int64
	Null  bool
	Elems []Value
	Raw   []byte
}

// String renders the value for test failure messages.
func (v Value) String() string {
	return strconv.Quote(string(v.Raw))
}

// Client is a raw RESP connection.
type Client struct {
	Conn net.Conn
	R    *bufio.Reader
}

// Dial connects to addr.
func Dial(addr string) (*Client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{Conn: c, R: bufio.NewReaderSize(c, 64*1024)}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.Conn.Close() }

// Encode builds a RESP multibulk request.
func Encode(args ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.Bytes()
}

// Do sends one command and reads one reply.
func (c *Client) Do(args ...string) (Value, error) {
	if _, err := c.Conn.Write(Encode(args...)); err != nil {
		return Value{}, err
	}
	return c.Read()
}

// Send writes raw bytes.
func (c *Client) Send(raw []byte) error {
	_, err := c.Conn.Write(raw)
	return err
}

// Read reads one reply with a 10s deadline.
func (c *Client) Read() (Value, error) {
	c.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var raw bytes.Buffer
	v, err := readValue(c.R, &raw)
	v.Raw = raw.Bytes()
	return v, err
}

// ReadTimeout reads one reply, waiting at most d.
func (c *Client) ReadTimeout(d time.Duration) (Value, error) {
	c.Conn.SetReadDeadline(time.Now().Add(d))
	var raw bytes.Buffer
	v, err := readValue(c.R, &raw)
	v.Raw = raw.Bytes()
	return v, err
}

func readLine(r *bufio.Reader, raw *bytes.Buffer) (string, error) {
	line, err := r.ReadString('\n')
	raw.WriteString(line)
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(line, "\r\n") {
		return "", errors.New("line without CRLF")
	}
	return line[:len(line)-2], nil
}

func readValue(r *bufio.Reader, raw *bytes.Buffer) (Value, error) {
	line, err := readLine(r, raw)
	if err != nil {
		return Value{}, err
	}
	if len(line) == 0 {
		return Value{}, errors.New("empty line")
	}
	v := Value{Type: line[0]}
	body := line[1:]
	switch v.Type {
	case '+', '-', ',', '(':
		v.Str = body
	case '#':
		v.Str = body
	case '_':
		v.Null = true
	case ':':
		v.Int, err = strconv.ParseInt(body, 10, 64)
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, err
		}
		if n < 0 {
			v.Null = true
			return v, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return v, err
		}
		raw.Write(buf)
		v.Str = string(buf[:n])
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(body)
		if err != nil {
			return v, err
		}
		if n < 0 {
			v.Null = true
			return v, nil
		}
		if v.Type == '%' || v.Type == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			e, err := readValue(r, raw)
			if err != nil {
				return v, err
			}
			v.Elems = append(v.Elems, e)
		}
		if v.Type == '|' {
			// An attribute precedes the real reply.
			return readValue(r, raw)
		}
	default:
		return v, fmt.Errorf("unknown RESP type %q", v.Type)
	}
	return v, err
}

// Canonical renders v with aggregate elements sorted (maps by key, arrays
// and sets by element) to compare replies whose order is unspecified.
func Canonical(v Value, depth int) string {
	switch v.Type {
	case '*', '~', '>':
		if v.Null {
			return string(v.Raw)
		}
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			parts[i] = Canonical(e, depth-1)
		}
		if depth > 0 {
			sort.Strings(parts)
		}
		return fmt.Sprintf("%c%d[%s]", v.Type, len(parts), strings.Join(parts, ","))
	case '%':
		parts := make([]string, 0, len(v.Elems)/2)
		for i := 0; i+1 < len(v.Elems); i += 2 {
			parts = append(parts, Canonical(v.Elems[i], depth-1)+"=>"+Canonical(v.Elems[i+1], depth-1))
		}
		sort.Strings(parts)
		return fmt.Sprintf("%%%d{%s}", len(parts), strings.Join(parts, ","))
	default:
		return string(v.Raw)
	}
}
