// Package redwing embeds a real Redwing server in a Go program: Start runs
// the same server as the redwing binary, in-process, on a loopback port.
//
//	srv, err := redwing.Start(redwing.Config{})
//	defer srv.Close()
//	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
package redwing

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/server"
)

// Config configures an embedded server. Zero values mean Redis defaults,
// except Port: 0 picks a free port.
type Config struct {
	// Bind is the address to listen on; default 127.0.0.1.
	Bind string
	// Port to listen on; 0 picks a free port.
	Port int
	// Password sets requirepass.
	Password string
	// Databases is the number of databases; default 16.
	Databases int
	// Dir is the working directory for persistence files.
	Dir string
	// Directives are any further redis.conf directives, name -> value.
	Directives map[string]string
}

// Server is a running embedded server.
type Server struct {
	s *server.Server
}

// Start starts a server and returns once it accepts connections.
func Start(c Config) (*Server, error) {
	cfg := config.New()
	var pairs []string
	if c.Bind != "" {
		pairs = append(pairs, "bind", c.Bind)
	}
	if c.Password != "" {
		pairs = append(pairs, "requirepass", c.Password)
	}
	if c.Databases > 0 {
		pairs = append(pairs, "databases", strconv.Itoa(c.Databases))
	}
	if c.Dir != "" {
		pairs = append(pairs, "dir", c.Dir)
	}
	for k, v := range c.Directives {
		pairs = append(pairs, k, v)
	}
	var args []string
	for i := 0; i+1 < len(pairs); i += 2 {
		args = append(args, "--"+pairs[i], pairs[i+1])
	}
	if err := cfg.ApplyArgs(args); err != nil {
		return nil, fmt.Errorf("redwing: %w", err)
	}
	// An embedded server listens on one address: the first bind address,
	// loopback unless Bind says otherwise.
	host := "127.0.0.1"
	if c.Bind != "" {
		host = firstField(c.Bind)
	}
	s, err := server.New(cfg, server.Options{ListenAddr: net.JoinHostPort(host, strconv.Itoa(c.Port))})
	if err != nil {
		return nil, err
	}
	// An embedded server is ready when Start returns: load first.
	if err := s.Load(); err != nil {
		return nil, err
	}
	if err := s.Listen(); err != nil {
		return nil, err
	}
	go s.Serve()
	return &Server{s: s}, nil
}

func firstField(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			s = s[:i]
			break
		}
	}
	s = strings.TrimPrefix(s, "-")
	if s == "*" {
		return "0.0.0.0"
	}
	return s
}

// Addr returns host:port of the server.
func (s *Server) Addr() string { return s.s.Addr() }

// Close shuts the server down and waits for its connections to end.
func (s *Server) Close() error { return s.s.Close() }
