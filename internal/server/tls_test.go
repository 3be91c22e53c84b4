package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/testkit"
)

// testCA is a throwaway certificate authority created at test time.
type testCA struct {
	dir  string
	name string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string // PEM certificate
}

var serial int64 = 1

func newTestCA(t *testing.T, dir, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &testCA{dir: dir, name: name, cert: cert, key: key, file: filepath.Join(dir, name+".crt")}
	writePEM(t, ca.file, "CERTIFICATE", der)
	return ca
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// issue creates a certificate for name (a server certificate for
// 127.0.0.1/localhost, or a client certificate) and returns its files.
func (ca *testCA) issue(t *testing.T, name string, server bool) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(ca.dir, name+".crt")
	keyFile = filepath.Join(ca.dir, name+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", kder)
	return certFile, keyFile
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// startServer runs a server with the given redis.conf arguments, plain
// TCP and TLS on free loopback ports.
func startServer(t *testing.T, args ...string) *Server {
	t.Helper()
	s, err := tryStart(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tryStart(t *testing.T, args ...string) (*Server, error) {
	t.Helper()
	cfg := config.New()
	if err := cfg.ApplyArgs(args); err != nil {
		return nil, err
	}
	s, err := New(cfg, Options{ListenAddr: "127.0.0.1:0", TLSListenAddr: "127.0.0.1:0", Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		return nil, err
	}
	if err := s.Load(); err != nil {
		return nil, err
	}
	if err := s.Listen(); err != nil {
		return nil, err
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s, nil
}

// tlsPKI is a CA, a server certificate and a client certificate.
type tlsPKI struct {
	ca                   *testCA
	srvCert, srvKey      string
	clientCert, clientKy string
}

func newPKI(t *testing.T) *tlsPKI {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "ca")
	p := &tlsPKI{ca: ca}
	p.srvCert, p.srvKey = ca.issue(t, "server", true)
	p.clientCert, p.clientKy = ca.issue(t, "client", false)
	return p
}

func (p *tlsPKI) args(extra ...string) []string {
	return append([]string{"--tls-cert-file", p.srvCert, "--tls-key-file", p.srvKey, "--tls-ca-cert-file", p.ca.file}, extra...)
}

func (p *tlsPKI) clientTLS(t *testing.T, withCert bool) *tls.Config {
	c := &tls.Config{RootCAs: p.ca.pool(), ServerName: "localhost"}
	if withCert {
		kp, err := tls.LoadX509KeyPair(p.clientCert, p.clientKy)
		if err != nil {
			t.Fatal(err)
		}
		c.Certificates = []tls.Certificate{kp}
	}
	return c
}

func tlsClient(t *testing.T, addr string, tc *tls.Config) *redis.Client {
	rc := redis.NewClient(&redis.Options{Addr: addr, TLSConfig: tc, MaxRetries: -1, DialTimeout: 2 * time.Second,
		ReadTimeout: 2 * time.Second, Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { rc.Close() })
	return rc
}

func TestTLSServesBesidePlain(t *testing.T) {
	p := newPKI(t)
	s := startServer(t, p.args()...)
	ctx := context.Background()
	tc := tlsClient(t, s.TLSAddr(), p.clientTLS(t, true))
	if err := tc.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET over TLS: %v", err)
	}
	plain := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, DisableIdentity: true})
	defer plain.Close()
	if v, err := plain.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET over plain TCP: %q %v", v, err)
	}
	// Large values cross TLS record boundaries both ways.
	big := strings.Repeat("x", 1<<20)
	if err := tc.Set(ctx, "big", big, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := tc.Get(ctx, "big").Result(); err != nil || v != big {
		t.Fatalf("big GET over TLS: len %d %v", len(v), err)
	}
	// The plain port does not speak TLS, and the TLS port not plain RESP.
	if err := tlsClient(t, s.Addr(), p.clientTLS(t, true)).Ping(ctx).Err(); err == nil {
		t.Fatal("TLS handshake on the plain port succeeded")
	}
	bad := redis.NewClient(&redis.Options{Addr: s.TLSAddr(), MaxRetries: -1, ReadTimeout: time.Second, Protocol: 2, DisableIdentity: true})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil {
		t.Fatal("plain PING on the TLS port succeeded")
	}
}

func TestTLSAuthClients(t *testing.T) {
	p := newPKI(t)
	other := newTestCA(t, t.TempDir(), "other")
	strangerCert, strangerKey := other.issue(t, "stranger", false)
	stranger := p.clientTLS(t, false)
	kp, err := tls.LoadX509KeyPair(strangerCert, strangerKey)
	if err != nil {
		t.Fatal(err)
	}
	// Go clients only offer a certificate the server's CA list accepts;
	// force it, as OpenSSL clients do.
	stranger.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &kp, nil }
	ctx := context.Background()

	for _, tc := range []struct {
		mode                      string
		noCert, goodCert, badCert bool // whether each client gets in
	}{
		{"yes", false, true, false},
		{"optional", true, true, false},
		{"no", true, true, true},
	} {
		s := startServer(t, p.args("--tls-auth-clients", tc.mode)...)
		try := func(what string, conf *tls.Config, want bool) {
			err := tlsClient(t, s.TLSAddr(), conf).Ping(ctx).Err()
			if (err == nil) != want {
				t.Errorf("tls-auth-clients %s, %s: PING error %v, want success=%v", tc.mode, what, err, want)
			}
		}
		try("no certificate", p.clientTLS(t, false), tc.noCert)
		try("certificate of the CA", p.clientTLS(t, true), tc.goodCert)
		try("certificate of another CA", stranger, tc.badCert)
	}

	// CONFIG SET tls-auth-clients applies to the next handshake.
	s := startServer(t, p.args("--tls-auth-clients", "yes")...)
	admin := tlsClient(t, s.TLSAddr(), p.clientTLS(t, true))
	if err := admin.ConfigSet(ctx, "tls-auth-clients", "no").Err(); err != nil {
		t.Fatal(err)
	}
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false)).Ping(ctx).Err(); err != nil {
		t.Fatalf("after tls-auth-clients no: %v", err)
	}
}

func TestTLSReloadOnConfigSet(t *testing.T) {
	p := newPKI(t)
	s := startServer(t, p.args("--tls-auth-clients", "no")...)
	ctx := context.Background()
	old := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false))
	if err := old.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	peerCN := func() string {
		conn, err := tls.Dial("tcp", s.TLSAddr(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := peerCN(); cn != "server" {
		t.Fatalf("certificate CN %q", cn)
	}
	// A certificate from a new CA: CONFIG SET of both files reloads.
	ca2 := newTestCA(t, t.TempDir(), "ca2")
	cert2, key2 := ca2.issue(t, "server2", true)
	if err := old.Do(ctx, "CONFIG", "SET", "tls-cert-file", cert2, "tls-key-file", key2).Err(); err != nil {
		t.Fatalf("CONFIG SET cert/key: %v", err)
	}
	if cn := peerCN(); cn != "server2" {
		t.Fatalf("after reload certificate CN %q, want server2", cn)
	}
	conf2 := &tls.Config{RootCAs: ca2.pool(), ServerName: "localhost"}
	if err := tlsClient(t, s.TLSAddr(), conf2).Ping(ctx).Err(); err != nil {
		t.Fatalf("new connection with the new CA: %v", err)
	}
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false)).Ping(ctx).Err(); err == nil {
		t.Fatal("new connection still verified against the old CA")
	}
	// The established connection keeps its session.
	if err := old.Ping(ctx).Err(); err != nil {
		t.Fatalf("old connection after reload: %v", err)
	}
	// Rewriting the files in place and setting the same names again does
	// not reload (Redis applies changed values only); setting any TLS
	// parameter does.
	if err := old.Do(ctx, "CONFIG", "SET", "tls-cert-file", p.srvCert, "tls-key-file", p.srvKey).Err(); err != nil {
		t.Fatal(err)
	}
	if cn := peerCN(); cn != "server" {
		t.Fatalf("after second reload CN %q", cn)
	}
}

func TestTLSConfigSetErrors(t *testing.T) {
	p := newPKI(t)
	s := startServer(t, p.args()...)
	ctx := context.Background()
	c := tlsClient(t, s.TLSAddr(), p.clientTLS(t, true))
	tlsErr := func(name string) string {
		return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - Unable to update TLS configuration. Check server logs."
	}
	dh := filepath.Join(t.TempDir(), "dh.pem")
	dhDER, _ := asn1.Marshal(struct{ P, G *big.Int }{new(big.Int).Lsh(big.NewInt(1), 2047), big.NewInt(2)})
	writePEM(t, dh, "DH PARAMETERS", dhDER)
	badDH := filepath.Join(t.TempDir(), "baddh.pem")
	writePEM(t, badDH, "DH PARAMETERS", []byte{0x30, 0})
	for _, tc := range []struct {
		name, value, want string
	}{
		{"tls-protocols", "TLSv1.4", tlsErr("tls-protocols")},
		{"tls-protocols", "bogus", tlsErr("tls-protocols")},
		{"tls-protocols", "TLSv1.3", ""},
		{"tls-protocols", "tlsv1.2 TLSv1.3", ""},
		{"tls-protocols", "", ""},
		{"tls-ciphers", "BOGUS", tlsErr("tls-ciphers")},
		{"tls-ciphers", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256x", tlsErr("tls-ciphers")},
		{"tls-ciphers", "BOGUS:HIGH", ""},
		{"tls-ciphers", "DEFAULT:!MEDIUM", ""},
		{"tls-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256", ""},
		{"tls-ciphers", "", ""},
		{"tls-ciphersuites", "BOGUS", tlsErr("tls-ciphersuites")},
		{"tls-ciphersuites", "TLS_AES_128_GCM_SHA256:BOGUS", ""},
		{"tls-ciphersuites", "", ""},
		{"tls-cert-file", "/nonexistent", tlsErr("tls-cert-file")},
		{"tls-key-file", p.srvCert, tlsErr("tls-key-file")},
		{"tls-ca-cert-file", "", tlsErr("tls-ca-cert-file")}, // tls-auth-clients yes needs a CA
		{"tls-ca-cert-dir", "/nonexistent", ""},
		{"tls-dh-params-file", "/nonexistent", tlsErr("tls-dh-params-file")},
		{"tls-dh-params-file", p.srvCert, tlsErr("tls-dh-params-file")},
		{"tls-dh-params-file", badDH, tlsErr("tls-dh-params-file")},
		{"tls-dh-params-file", dh, ""},
		{"tls-dh-params-file", "", ""},
		{"tls-key-file-pass", "unused", ""}, // the key is not encrypted
		{"tls-session-caching", "no", ""},
		{"tls-auth-clients", "maybe", "ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional"},
		{"tls-port", "65536", "ERR CONFIG SET failed (possibly related to argument 'tls-port') - argument must be between 0 and 65535 inclusive"},
	} {
		err := c.Do(ctx, "CONFIG", "SET", tc.name, tc.value).Err()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("CONFIG SET %s %q: %q, want %q", tc.name, tc.value, got, tc.want)
		}
	}
	// A failed CONFIG SET leaves the old value and the old context.
	if v, _ := c.ConfigGet(ctx, "tls-cert-file").Result(); v["tls-cert-file"] != p.srvCert {
		t.Errorf("tls-cert-file after failed set: %q", v["tls-cert-file"])
	}
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, true)).Ping(ctx).Err(); err != nil {
		t.Fatalf("TLS after failed sets: %v", err)
	}
}

func TestTLSPortAtRuntime(t *testing.T) {
	p := newPKI(t)
	// Start without TLS: CONFIG SET tls-port configures it.
	s := startServerPlain(t, p.args("--tls-auth-clients", "no")...)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, DisableIdentity: true})
	defer c.Close()
	port := freePort(t)
	if err := c.ConfigSet(ctx, "tls-port", port).Err(); err != nil {
		t.Fatalf("CONFIG SET tls-port: %v", err)
	}
	if err := tlsClient(t, "127.0.0.1:"+port, p.clientTLS(t, false)).Ping(ctx).Err(); err != nil {
		t.Fatalf("TLS on the new port: %v", err)
	}
	// A port in use fails with Redis's text and keeps the old port.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	err = c.ConfigSet(ctx, "tls-port", busyPort).Err()
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs." {
		t.Fatalf("CONFIG SET tls-port to a busy port: %v", err)
	}
	if v, _ := c.ConfigGet(ctx, "tls-port").Result(); v["tls-port"] != port {
		t.Fatalf("tls-port after failure: %q", v["tls-port"])
	}
	if err := tlsClient(t, "127.0.0.1:"+port, p.clientTLS(t, false)).Ping(ctx).Err(); err != nil {
		t.Fatalf("TLS on the old port after a failed change: %v", err)
	}
	// tls-port 0 closes the TLS listener.
	if err := c.ConfigSet(ctx, "tls-port", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
		conn.Close()
		t.Fatal("TLS port still open after tls-port 0")
	}
	// port can move at runtime too.
	newPort := freePort(t)
	if err := c.ConfigSet(ctx, "port", newPort).Err(); err != nil {
		t.Fatalf("CONFIG SET port: %v", err)
	}
	c2 := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + newPort, Protocol: 2, DisableIdentity: true})
	defer c2.Close()
	if err := c2.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING on the new port: %v", err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("established connection after port change: %v", err)
	}
	// Without a certificate tls-port cannot be enabled.
	s2 := startServerPlain(t)
	c3 := redis.NewClient(&redis.Options{Addr: s2.Addr(), Protocol: 2, DisableIdentity: true})
	defer c3.Close()
	err = c3.ConfigSet(ctx, "tls-port", freePort(t)).Err()
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs." {
		t.Fatalf("tls-port without certificates: %v", err)
	}
}

func TestTLSStartupErrors(t *testing.T) {
	p := newPKI(t)
	for _, args := range [][]string{
		{"--tls-port", "1", "--tls-cert-file", p.srvCert},                             // no key
		{"--tls-port", "1", "--tls-cert-file", p.srvCert, "--tls-key-file", p.srvKey}, // auth-clients yes without CA
		{"--tls-port", "1", "--tls-cert-file", "/nonexistent", "--tls-key-file", p.srvKey, "--tls-auth-clients", "no"},
		{"--tls-port", "1", "--tls-cert-file", p.srvCert, "--tls-key-file", p.srvKey, "--tls-auth-clients", "no", "--tls-protocols", "SSLv3"},
	} {
		cfg := config.New()
		if err := cfg.ApplyArgs(args); err != nil {
			t.Fatal(err)
		}
		s, err := New(cfg, Options{ListenAddr: "127.0.0.1:0", Logger: log.New(io.Discard, "", 0)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Listen(); err == nil || err.Error() != "Failed to configure TLS. Check logs for more info." {
			t.Errorf("%v: Listen error %v", args, err)
		}
	}
}

func TestTLSProtocolsAndCiphers(t *testing.T) {
	p := newPKI(t)
	ctx := context.Background()
	s := startServer(t, p.args("--tls-auth-clients", "no", "--tls-protocols", "TLSv1.3")...)
	tls12 := p.clientTLS(t, false)
	tls12.MaxVersion = tls.VersionTLS12
	if err := tlsClient(t, s.TLSAddr(), tls12).Ping(ctx).Err(); err == nil {
		t.Fatal("TLSv1.2 client accepted with tls-protocols TLSv1.3")
	}
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false)).Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, p.args("--tls-auth-clients", "no", "--tls-protocols", "TLSv1.2",
		"--tls-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384")...)
	conn, err := tls.Dial("tcp", s2.TLSAddr(), p.clientTLS(t, false))
	if err != nil {
		t.Fatal(err)
	}
	st := conn.ConnectionState()
	conn.Close()
	if st.Version != tls.VersionTLS12 || st.CipherSuite != tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 {
		t.Fatalf("negotiated %x / %s", st.Version, tls.CipherSuiteName(st.CipherSuite))
	}
}

func TestParseCipherList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int // -1: error
	}{
		{"BOGUS", -1},
		{"ECDHE-RSA-AES128-GCM-SHA256", 1},
		{"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", 2},
		{"ECDHE-RSA-AES128-GCM-SHA256 , BOGUS", 1},
		{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", -1}, // OpenSSL knows its own names only
		{"HIGH:!ECDHE-RSA-AES128-GCM-SHA256", len(tls.CipherSuites()) - 1 - countTLS13()},
		{"ECDHE-RSA-AES128-GCM-SHA256:!ECDHE-RSA-AES128-GCM-SHA256", -1},
		{"@STRENGTH", -1},
	} {
		ids, ok := parseCipherList(tc.in)
		if (tc.want < 0) == ok || ok && len(ids) != tc.want {
			t.Errorf("%q: %d suites, ok=%v; want %d", tc.in, len(ids), ok, tc.want)
		}
	}
	if !checkCipherSuites("TLS_CHACHA20_POLY1305_SHA256") || checkCipherSuites("TLS_BOGUS") {
		t.Error("checkCipherSuites")
	}
}

func countTLS13() int {
	n := 0
	for _, cs := range tls.CipherSuites() {
		for _, v := range cs.SupportedVersions {
			if v == tls.VersionTLS13 && len(cs.SupportedVersions) == 1 {
				n++
			}
		}
	}
	return n
}

func TestTLSEncryptedKeys(t *testing.T) {
	p := newPKI(t)
	ctx := context.Background()
	dir := t.TempDir()
	// Legacy encrypted PEM.
	raw, _ := os.ReadFile(p.srvKey)
	b, _ := pem.Decode(raw)
	//nolint:staticcheck // legacy format on purpose
	enc, err := x509.EncryptPEMBlock(rand.Reader, "PRIVATE KEY", b.Bytes, []byte("secret"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "legacy.key")
	os.WriteFile(legacy, pem.EncodeToMemory(enc), 0o600)
	keys := []string{legacy}
	// PKCS#8 PBES2, as openssl 3 writes it.
	if _, err := exec.LookPath("openssl"); err == nil {
		pk8 := filepath.Join(dir, "pkcs8.key")
		out, err := exec.Command("openssl", "pkcs8", "-topk8", "-in", p.srvKey, "-out", pk8, "-v2", "aes-256-cbc",
			"-v2prf", "hmacWithSHA256", "-passout", "pass:secret").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl: %v %s", err, out)
		}
		keys = append(keys, pk8)
	} else {
		t.Log("openssl not found: PKCS#8 encrypted key not tested")
	}
	for _, key := range keys {
		args := []string{"--tls-cert-file", p.srvCert, "--tls-key-file", key, "--tls-auth-clients", "no"}
		if _, err := tryStartQuiet(t, args...); err == nil {
			t.Errorf("%s: started without tls-key-file-pass", filepath.Base(key))
		}
		if _, err := tryStartQuiet(t, append(args, "--tls-key-file-pass", "wrong")...); err == nil {
			t.Errorf("%s: started with a wrong password", filepath.Base(key))
		}
		s := startServer(t, append(args, "--tls-key-file-pass", "secret")...)
		if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false)).Ping(ctx).Err(); err != nil {
			t.Errorf("%s: %v", filepath.Base(key), err)
		}
	}
}

func tryStartQuiet(t *testing.T, args ...string) (*Server, error) {
	return tryStart(t, args...)
}

// startServerPlain runs a server without a TLS listener.
func startServerPlain(t *testing.T, args ...string) *Server {
	t.Helper()
	cfg := config.New()
	if err := cfg.ApplyArgs(args); err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, Options{ListenAddr: "127.0.0.1:0", Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// TestTLSConfigSetMatchesOracle sends the same CONFIG SET commands to
// redis-server (built with OpenSSL) and Redwing, both serving TLS, and
// compares the raw replies.
func TestTLSConfigSetMatchesOracle(t *testing.T) {
	if testkit.RedisServerPath() == "" {
		if os.Getenv("REDWING_REQUIRE_ORACLE") != "" {
			t.Fatal("redis-server not found")
		}
		t.Skip("redis-server not found")
	}
	p := newPKI(t)
	o, err := testkit.StartOracle(append(p.args(), "--tls-port", freePort(t))...)
	if err != nil {
		t.Skipf("redis-server without TLS? %v", err)
	}
	defer o.Stop()
	s := startServer(t, p.args()...)
	rc, err := testkit.Dial(o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	wc, err := testkit.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	badDH := filepath.Join(t.TempDir(), "baddh.pem")
	writePEM(t, badDH, "DH PARAMETERS", []byte{0x30, 0})
	busy, _ := net.Listen("tcp", "127.0.0.1:0")
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	for _, args := range [][]string{
		{"tls-protocols", "TLSv1.4"}, {"tls-protocols", "bogus"}, {"tls-protocols", "TLSv1.3"}, {"tls-protocols", "TLSv1.2 TLSv1.3"}, {"tls-protocols", ""},
		{"tls-ciphers", "BOGUS"}, {"tls-ciphers", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, {"tls-ciphers", "BOGUS:HIGH"},
		{"tls-ciphers", "DEFAULT:!MEDIUM"}, {"tls-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"}, {"tls-ciphers", ""},
		{"tls-ciphersuites", "BOGUS"}, {"tls-ciphersuites", "TLS_AES_128_GCM_SHA256:BOGUS"}, {"tls-ciphersuites", ""},
		{"tls-cert-file", "/nonexistent"}, {"tls-key-file", p.srvCert}, {"tls-key-file", "/nonexistent"},
		{"tls-ca-cert-file", "/nonexistent"}, {"tls-ca-cert-file", ""}, {"tls-ca-cert-dir", "/nonexistent"},
		{"tls-dh-params-file", "/nonexistent"}, {"tls-dh-params-file", p.srvCert}, {"tls-dh-params-file", badDH}, {"tls-dh-params-file", ""},
		{"tls-key-file-pass", "unused"}, {"tls-session-caching", "no"}, {"tls-prefer-server-ciphers", "yes"},
		{"tls-auth-clients", "maybe"}, {"tls-auth-clients", "optional"}, {"tls-auth-clients", "yes"},
		{"tls-port", "65536"}, {"tls-port", "-1"}, {"tls-port", busyPort}, {"port", busyPort},
		// Redis runs the shared TLS apply function once and names the
		// first TLS parameter of the command, changed or not; Redwing's
		// config package runs hooks of changed parameters only, so
		// {"tls-cert-file", <same>, "tls-key-file", "/nonexistent"} names
		// tls-key-file. With both changed the texts agree:
		{"tls-key-file", "/nonexistent", "tls-cert-file", "/nonexistent"},
	} {
		cmd := append([]string{"CONFIG", "SET"}, args...)
		want, err1 := rc.Do(cmd...)
		got, err2 := wc.Do(cmd...)
		if err1 != nil || err2 != nil {
			t.Fatalf("%v: %v / %v", args, err1, err2)
		}
		if string(got.Raw) != string(want.Raw) {
			t.Errorf("CONFIG SET %q:\n redwing %q\n redis   %q", args, got.Raw, want.Raw)
		}
	}
	for _, name := range []string{"tls-*"} {
		want, _ := rc.Do("CONFIG", "GET", name)
		got, _ := wc.Do("CONFIG", "GET", name)
		if testkit.Canonical(got, 0) != testkit.Canonical(want, 0) {
			t.Errorf("CONFIG GET %s:\n redwing %s\n redis   %s", name, got.Raw, want.Raw)
		}
	}
}

// tls-ca-cert-dir: every PEM file of the directory is a trusted root.
func TestTLSCACertDir(t *testing.T) {
	p := newPKI(t)
	cadir := t.TempDir()
	data, _ := os.ReadFile(p.ca.file)
	os.WriteFile(filepath.Join(cadir, "ca.pem"), data, 0o600)
	os.WriteFile(filepath.Join(cadir, "junk.txt"), []byte("not a certificate"), 0o600)
	s := startServer(t, "--tls-cert-file", p.srvCert, "--tls-key-file", p.srvKey, "--tls-ca-cert-dir", cadir)
	ctx := context.Background()
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, true)).Ping(ctx).Err(); err != nil {
		t.Fatalf("client certificate of a CA from the directory: %v", err)
	}
	if err := tlsClient(t, s.TLSAddr(), p.clientTLS(t, false)).Ping(ctx).Err(); err == nil {
		t.Fatal("no client certificate accepted with tls-auth-clients yes")
	}
}
