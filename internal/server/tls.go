package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/config"
)

// TLS with crypto/tls, configured like Redis's tls.c:
//
//   - tls-cert-file / tls-key-file (PEM; the key may be encrypted with
//     tls-key-file-pass: legacy "Proc-Type: 4,ENCRYPTED" PEM or PKCS#8
//     PBES2 with PBKDF2 and AES-CBC, which is what openssl 3 writes);
//   - tls-ca-cert-file / tls-ca-cert-dir: the roots client certificates
//     are verified against (every readable PEM file of the directory; an
//     unreadable directory is ignored, as OpenSSL reads it lazily);
//   - tls-auth-clients yes (a verified client certificate is required),
//     optional (verified if presented), no; read at each handshake, as
//     Redis reads it at accept;
//   - tls-protocols: TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 (default TLSv1.2
//     TLSv1.3). Go configures a version range, so a gap in the list is
//     filled;
//   - tls-ciphers (TLSv1.2 and older): OpenSSL cipher names, the keywords DEFAULT/HIGH/ALL/... and "!name" exclusions.
//     As in OpenSSL, unknown names are skipped and a list that selects no
//     cipher Go implements is an error;
//   - tls-ciphersuites (TLSv1.3): names are checked as OpenSSL checks them
//     (a list without a known suite is an error) but Go does not let a
//     server choose its TLSv1.3 suites, so all three stay enabled;
//   - tls-prefer-server-ciphers: accepted; Go always applies its own
//     preference order (it ignores PreferServerCipherSuites since 1.18);
//   - tls-session-caching no disables session tickets; Go's tickets have a
//     fixed lifetime, so tls-session-cache-size/-timeout have no effect;
//   - tls-dh-params-file must hold PEM DH parameters, as in Redis; Go only
//     uses ECDHE key exchanges, so they are not used.
//
// A reconfiguration is atomic: a new tls.Config is built and swapped in,
// and new connections pick it up at their handshake (GetConfigForClient);
// established connections keep their session.

// tlsState holds the current server-side TLS configurations, one per
// tls-auth-clients mode.
type tlsState struct {
	cur atomic.Pointer[[3]*tls.Config]
}

// tlsParams are the parameters that shape the TLS context; CONFIG SET of
// one of them reconfigures TLS.
var tlsParams = []string{
	"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
	"tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
	"tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers",
	"tls-ciphersuites", "tls-prefer-server-ciphers", "tls-session-caching",
	"tls-session-cache-size", "tls-session-cache-timeout",
}

// tlsWanted reports whether Redis would configure TLS: a TLS port, or TLS
// for replication or the cluster bus.
func tlsWanted(cfg *config.Config) bool {
	return cfg.Int("tls-port") != 0 || cfg.Bool("tls-replication") || cfg.Bool("tls-cluster")
}

// configureTLS builds the TLS configuration from cfg and installs it. On
// failure it logs Redis's reason and keeps the previous configuration.
func (s *Server) configureTLS() error {
	confs, err := buildTLSConfigs(s.Cfg)
	if err != nil {
		s.Log.Printf("%v", err)
		return err
	}
	s.tls.cur.Store(confs)
	return nil
}

// tlsServerConfig is the listener's configuration: every handshake picks
// the current configuration for the current tls-auth-clients mode.
func (s *Server) tlsServerConfig() *tls.Config {
	return &tls.Config{
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			confs := s.tls.cur.Load()
			if confs == nil {
				return nil, errors.New("TLS is not configured")
			}
			return confs[s.Cfg.Int("tls-auth-clients")], nil
		},
	}
}

// TLS protocol bits, as Redis's REDIS_TLS_PROTO_*.
const (
	tlsProto10 = 1 << iota
	tlsProto11
	tlsProto12
	tlsProto13
)

// parseTLSProtocols is parseProtocolsConfig.
func parseTLSProtocols(s string) (int, error) {
	if s == "" {
		return tlsProto12 | tlsProto13, nil
	}
	protos := 0
	for _, tok := range strings.Fields(s) {
		switch strings.ToLower(tok) {
		case "tlsv1":
			protos |= tlsProto10
		case "tlsv1.1":
			protos |= tlsProto11
		case "tlsv1.2":
			protos |= tlsProto12
		case "tlsv1.3":
			protos |= tlsProto13
		default:
			return 0, errors.New("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.")
		}
	}
	if protos == 0 {
		return 0, errors.New("Invalid tls-protocols configuration string")
	}
	return protos, nil
}

func tlsVersionRange(protos int) (min, max uint16) {
	vers := []uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13}
	for i, v := range vers {
		if protos&(1<<i) != 0 {
			if min == 0 {
				min = v
			}
			max = v
		}
	}
	return min, max
}

// buildTLSConfigs is tlsConfigure: it returns the configurations for
// tls-auth-clients no, yes and optional (indexed by the enum value).
func buildTLSConfigs(cfg *config.Config) (*[3]*tls.Config, error) {
	certFile, keyFile := cfg.String("tls-cert-file"), cfg.String("tls-key-file")
	caFile, caDir := cfg.String("tls-ca-cert-file"), cfg.String("tls-ca-cert-dir")
	if certFile == "" {
		return nil, errors.New("No tls-cert-file configured!")
	}
	if keyFile == "" {
		return nil, errors.New("No tls-key-file configured!")
	}
	if (cfg.Int("tls-auth-clients") != 0 || cfg.Bool("tls-cluster") || cfg.Bool("tls-replication")) && caFile == "" && caDir == "" {
		return nil, errors.New("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!")
	}
	protos, err := parseTLSProtocols(cfg.String("tls-protocols"))
	if err != nil {
		return nil, err
	}
	cert, err := loadKeyPair(certFile, keyFile, cfg.String("tls-key-file-pass"))
	if err != nil {
		return nil, err
	}
	var pool *x509.CertPool
	if caFile != "" || caDir != "" {
		if pool, err = loadCAs(caFile, caDir); err != nil {
			return nil, err
		}
	}
	base := &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool}
	base.MinVersion, base.MaxVersion = tlsVersionRange(protos)
	if c := cfg.String("tls-ciphers"); c != "" {
		ids, ok := parseCipherList(c)
		if !ok {
			return nil, fmt.Errorf("Failed to configure ciphers: %s", c)
		}
		base.CipherSuites = ids
	}
	if c := cfg.String("tls-ciphersuites"); c != "" && !checkCipherSuites(c) {
		return nil, fmt.Errorf("Failed to configure ciphersuites: %s", c)
	}
	if !cfg.Bool("tls-session-caching") {
		base.SessionTicketsDisabled = true
	}
	if f := cfg.String("tls-dh-params-file"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("Failed to load %s: %s", f, syscallText(err))
		}
		var dh struct{ P, G *big.Int }
		if b, _ := pem.Decode(data); b == nil || !strings.Contains(b.Type, "DH PARAMETERS") {
			return nil, fmt.Errorf("%s: failed to read DH params.", f)
		} else if _, err := asn1.Unmarshal(b.Bytes, &dh); err != nil || dh.P == nil || dh.P.Sign() <= 0 || dh.G == nil || dh.G.Sign() <= 0 {
			return nil, fmt.Errorf("%s: failed to read DH params.", f)
		}
	}
	// The client side (replication, cluster) has no user in Redwing, but
	// its files are checked as Redis checks them.
	if cc, ck := cfg.String("tls-client-cert-file"), cfg.String("tls-client-key-file"); cc != "" && ck != "" {
		if _, err := loadKeyPair(cc, ck, cfg.String("tls-client-key-file-pass")); err != nil {
			return nil, err
		}
	}
	var out [3]*tls.Config
	for mode, auth := range []tls.ClientAuthType{tls.NoClientCert, tls.RequireAndVerifyClientCert, tls.VerifyClientCertIfGiven} {
		c := base.Clone()
		c.ClientAuth = auth
		out[mode] = c
	}
	return &out, nil
}

// syscallText is an error's strerror-like text.
func syscallText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// loadCAs reads the CA file and every PEM file of the CA directory.
func loadCAs(file, dir string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("Failed to configure CA certificate(s) file/directory: %s: %s", file, syscallText(err))
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("Failed to configure CA certificate(s) file/directory: %s: no certificate found", file)
		}
	}
	if dir != "" {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				pool.AppendCertsFromPEM(data)
			}
		}
	}
	return pool, nil
}

// loadKeyPair reads a certificate chain and its private key, decrypting
// the key with pass when it is encrypted.
func loadKeyPair(certFile, keyFile, pass string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load certificate: %s: %s", certFile, syscallText(err))
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load private key: %s: %s", keyFile, syscallText(err))
	}
	keyPEM, err = decryptKeyPEM(keyPEM, pass)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load private key: %s: %v", keyFile, err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("Failed to load certificate: %s: %v", certFile, err)
	}
	return cert, nil
}

// decryptKeyPEM returns PEM data whose private key is decrypted.
func decryptKeyPEM(data []byte, pass string) ([]byte, error) {
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return data, nil // tls.X509KeyPair reports what is missing
		}
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY":
			if pass == "" {
				return nil, errors.New("the key is encrypted and tls-key-file-pass is not set")
			}
			der, err := decryptPKCS8(b.Bytes, []byte(pass))
			if err != nil {
				return nil, err
			}
			return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			// Legacy encrypted PEM (openssl -traditional); deprecated in Go
			// for its weak design, but it is what such files hold.
			if x509.IsEncryptedPEMBlock(b) {
				if pass == "" {
					return nil, errors.New("the key is encrypted and tls-key-file-pass is not set")
				}
				der, err := x509.DecryptPEMBlock(b, []byte(pass))
				if err != nil {
					return nil, errors.New("bad decrypt")
				}
				return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der}), nil
			}
			return data, nil
		}
	}
}

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

type encryptedPKInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF pkix.AlgorithmIdentifier
	Enc pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt   []byte
	Iter   int
	KeyLen int                      `asn1:"optional"`
	PRF    pkix.AlgorithmIdentifier `asn1:"optional"`
}

// decryptPKCS8 decrypts a PKCS#8 EncryptedPrivateKeyInfo protected with
// PBES2 (PBKDF2 + AES-CBC or 3DES-CBC), returning the PKCS#8 key.
func decryptPKCS8(der, pass []byte) ([]byte, error) {
	var info encryptedPKInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, errors.New("malformed encrypted key")
	}
	if !info.Algo.Algorithm.Equal(oidPBES2) {
		return nil, errors.New("unsupported key encryption (only PBES2 is)")
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &p); err != nil || !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, errors.New("unsupported key derivation")
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil || kp.Iter <= 0 || kp.Iter > 1<<24 {
		return nil, errors.New("malformed PBKDF2 parameters")
	}
	var prf func() hash.Hash
	switch alg := kp.PRF.Algorithm; {
	case len(alg) == 0, alg.Equal(oidHMACSHA1):
		prf = sha1.New
	case alg.Equal(oidHMACSHA224):
		prf = sha256.New224
	case alg.Equal(oidHMACSHA256):
		prf = sha256.New
	case alg.Equal(oidHMACSHA384):
		prf = sha512.New384
	case alg.Equal(oidHMACSHA512):
		prf = sha512.New
	default:
		return nil, errors.New("unsupported PBKDF2 pseudo-random function")
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch alg := p.Enc.Algorithm; {
	case alg.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case alg.Equal(oidAES192CBC):
		keyLen, newBlock = 24, aes.NewCipher
	case alg.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case alg.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, errors.New("unsupported key cipher")
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Enc.Parameters.FullBytes, &iv); err != nil {
		return nil, errors.New("malformed cipher parameters")
	}
	key, err := pbkdf2.Key(prf, string(pass), kp.Salt, kp.Iter, keyLen)
	if err != nil {
		return nil, err
	}
	block, err := newBlock(key)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if len(iv) != bs || len(info.Data) == 0 || len(info.Data)%bs != 0 {
		return nil, errors.New("malformed encrypted key")
	}
	out := make([]byte, len(info.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, info.Data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > bs || pad > len(out) {
		return nil, errors.New("bad decrypt")
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return nil, errors.New("bad decrypt")
		}
	}
	return out[:len(out)-pad], nil
}

// opensslCiphers maps OpenSSL cipher names to the TLSv1.0-1.2 suites Go
// implements.
var opensslCiphers = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-ECDSA-AES256-GCM-SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-CHACHA20-POLY1305": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-RSA-CHACHA20-POLY1305":   tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-ECDSA-AES128-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	"ECDHE-RSA-AES128-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	"ECDHE-ECDSA-AES256-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	"ECDHE-RSA-AES256-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	"ECDHE-ECDSA-AES128-SHA256":     tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-AES128-SHA256":       tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	"AES128-GCM-SHA256":             tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	"AES256-GCM-SHA384":             tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	"AES128-SHA":                    tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	"AES256-SHA":                    tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	"AES128-SHA256":                 tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
	"DES-CBC3-SHA":                  tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	"ECDHE-RSA-DES-CBC3-SHA":        tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	"RC4-SHA":                       tls.TLS_RSA_WITH_RC4_128_SHA,
	"ECDHE-RSA-RC4-SHA":             tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
	"ECDHE-ECDSA-RC4-SHA":           tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
}

// parseCipherList reads an OpenSSL cipher string into the Go suites it
// selects, in order (OpenSSL names only: like Redis, the IANA spellings are
// unknown names). Tokens are separated by ':', ',' or spaces; "!x" and
// "-x" remove x, "+x" and "@..." are accepted without effect, keywords
// select Go's secure defaults (or every suite, for ALL), unknown names
// select nothing. ok is false when nothing Go implements is selected.
func parseCipherList(s string) (ids []uint16, ok bool) {
	tls12 := func(cs *tls.CipherSuite) bool {
		for _, v := range cs.SupportedVersions {
			if v != tls.VersionTLS13 {
				return true
			}
		}
		return false
	}
	var (
		order   []uint16
		removed = map[uint16]bool{}
		have    = map[uint16]bool{}
	)
	add := func(id uint16) {
		if !have[id] {
			have[id] = true
			order = append(order, id)
		}
	}
	selectTok := func(tok string) []uint16 {
		up := strings.ToUpper(tok)
		switch up {
		case "DEFAULT", "HIGH", "SECURE", "TLSV1.2", "ECDHE", "EECDH", "KECDHE", "AESGCM", "AES", "CHACHA20":
			var out []uint16
			for _, cs := range tls.CipherSuites() {
				if !tls12(cs) ||
					up == "AESGCM" && !strings.Contains(cs.Name, "GCM") ||
					up == "CHACHA20" && !strings.Contains(cs.Name, "CHACHA20") ||
					up == "AES" && !strings.Contains(cs.Name, "AES") ||
					(up == "ECDHE" || up == "EECDH" || up == "KECDHE") && !strings.Contains(cs.Name, "ECDHE") {
					continue
				}
				out = append(out, cs.ID)
			}
			return out
		case "ALL", "COMPLEMENTOFDEFAULT":
			var out []uint16
			for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
				if tls12(cs) {
					out = append(out, cs.ID)
				}
			}
			return out
		}
		if id, ok := opensslCiphers[up]; ok {
			return []uint16{id}
		}
		return nil
	}
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		switch tok[0] {
		case '!', '-':
			for _, id := range selectTok(tok[1:]) {
				removed[id] = true
			}
		case '+', '@':
		default:
			for _, id := range selectTok(tok) {
				add(id)
			}
		}
	}
	for _, id := range order {
		if !removed[id] {
			ids = append(ids, id)
		}
	}
	return ids, len(ids) > 0
}

// checkCipherSuites applies SSL_CTX_set_ciphersuites's rule: unknown names
// are skipped, a list without a known TLSv1.3 suite is an error.
func checkCipherSuites(s string) bool {
	for _, tok := range strings.Split(s, ":") {
		switch tok {
		case "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
			"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256":
			return true
		}
	}
	return false
}
