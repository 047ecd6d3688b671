package deployer

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matrix-org/complement/config"
)

func TestLoopbackAddressGivesEachServerItsOwn(t *testing.T) {
	for name, want := range map[string]string{"hs1": "127.0.0.2", "hs2": "127.0.0.3", "hs3": "127.0.0.4"} {
		ip, err := loopbackAddress(name)
		if err != nil || ip.String() != want {
			t.Errorf("loopbackAddress(%s) = %v, %v; want %s", name, ip, err, want)
		}
	}
	for _, bad := range []string{"hs0", "hs", "host1", "hs100", "hs1.local"} {
		if _, err := loopbackAddress(bad); err == nil {
			t.Errorf("loopbackAddress(%q) accepted a name that is not hsN", bad)
		}
	}
}

func TestHostsFileNamesServersLocalhostAndComplementsHost(t *testing.T) {
	got := hostsFile("host.docker.internal", 2)
	want := "127.0.0.1 localhost\n127.0.0.1 host.docker.internal\n127.0.0.2 hs1\n127.0.0.3 hs2\n"
	if got != want {
		t.Fatalf("hostsFile = %q, want %q", got, want)
	}
	if strings.Contains(hostsFile("127.0.0.1", 1), "127.0.0.1 127.0.0.1") {
		t.Fatal("an IP address as Complement's host must not become a host name")
	}
}

func TestFederationCertificateIsSignedByTheCAForTheServerName(t *testing.T) {
	ca, caKey := testCA(t)
	dir := t.TempDir()
	crt, key := filepath.Join(dir, "f.crt"), filepath.Join(dir, "f.key")
	if err := writeFederationCertificate(ca, caKey, "hs2", net.IPv4(127, 0, 0, 3), crt, key); err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(crt, key) // also checks the key matches and is PKCS#8 PEM Go can read
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := os.ReadFile(key)
	if block, _ := pem.Decode(keyPEM); block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("key is not PKCS#8 PEM (Lattice's FederationCertificate reads only that)")
	}
	if len(pair.Certificate) != 2 {
		t.Fatalf("chain has %d certificates, want leaf and CA", len(pair.Certificate))
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "hs2", Roots: roots}); err != nil {
		t.Fatalf("certificate does not verify for hs2 under the CA: %v", err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "hs1", Roots: roots}); err == nil {
		t.Fatal("certificate of hs2 verifies for hs1")
	}
}

func TestDialAddressMapsServerNamesAndComplementsHost(t *testing.T) {
	d := &deployment{
		cfg:     &config.Complement{HostnameRunningComplement: "host.docker.internal"},
		servers: map[string]*Homeserver{"hs1": {Name: "hs1", IP: net.IPv4(127, 0, 0, 2)}},
	}
	for in, want := range map[string]string{"hs1:8448": "127.0.0.2:8448", "host.docker.internal:40123": "127.0.0.1:40123"} {
		if got, err := d.dialAddress(in); err != nil || got != want {
			t.Errorf("dialAddress(%s) = %q, %v; want %s", in, got, err, want)
		}
	}
	if _, err := d.dialAddress("hs2:8448"); err == nil {
		t.Error("hs2 is not in the deployment but was dialled")
	}
}

func testCA(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}
