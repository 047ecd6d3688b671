package deployer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/matrix-org/complement"
	"github.com/matrix-org/complement/config"
	"github.com/matrix-org/complement/ct"
)

// Cluster holds the homeservers of one test package (one `go test` process).
//
// Servers are started on first use and kept running across Deploy calls: a Lattice process takes 10–25 s to
// start on a small machine, and Complement's tests are written to share servers (its own "dirty runs" mode does
// the same) — they register users with unique localparts and create their own rooms. A server is only stopped
// when a test asks (StopServer, Restart) or when the package ends; the next Deploy starts any that a test left
// stopped. Every package gets fresh servers, because Complement makes a new CA for every package.
type Cluster struct {
	cfg      *config.Complement
	launcher Launcher
	dir      string // one sub-directory per server

	mu         sync.Mutex
	servers    map[string]*Homeserver
	hostsFile  string
	trustStore string
	localparts atomic.Int64 // shared by all deployments: the servers (and their users) outlive a deployment
}

// MaxServers is how many hsN names the JVMs can resolve; Complement's tests ask for at most 3.
const MaxServers = 5

func newCluster(cfg *config.Complement, launcher Launcher, dir string) (*Cluster, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, launcher: launcher, dir: dir, servers: map[string]*Homeserver{}}
	c.hostsFile = filepath.Join(dir, "hosts")
	if err := os.WriteFile(c.hostsFile, []byte(hostsFile(cfg.HostnameRunningComplement, MaxServers)), 0o644); err != nil {
		return nil, err
	}
	caPath := filepath.Join(dir, "complement-ca.crt")
	if err := writeCACertificate(cfg.CACertificate, caPath); err != nil {
		return nil, err
	}
	// Outbound federation trusts Complement's CA, which signs its fake servers' certificates too.
	trustStore := filepath.Join(dir, "truststore.p12")
	keytool := filepath.Join(filepath.Dir(launcher.Java), "keytool")
	out, err := exec.Command(keytool, "-importcert", "-noprompt", "-alias", "complement-ca", "-file", caPath,
		"-keystore", trustStore, "-storetype", "PKCS12", "-storepass", "complement").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("keytool: %v: %s", err, out)
	}
	c.trustStore = trustStore
	return c, nil
}

// ensureRunning starts hs1…hsN where not running (in parallel: the JVMs overlap their slow start-up).
func (c *Cluster) ensureRunning(n int) ([]*Homeserver, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var result, toStart []*Homeserver
	for _, name := range hsNames(n) {
		hs := c.servers[name]
		if hs == nil {
			var err error
			if hs, err = newHomeserver(name, filepath.Join(c.dir, name), c.launcher); err != nil {
				return nil, err
			}
			c.servers[name] = hs
		}
		if hs.paused {
			_ = hs.Resume() // a test that paused it and failed before unpausing
		}
		if !hs.Running() {
			toStart = append(toStart, hs)
		}
		result = append(result, hs)
	}
	return result, c.startAll(toStart)
}

func (c *Cluster) startAll(servers []*Homeserver) error {
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, hs := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.prepareCertificate(hs); err != nil {
				errs[i] = err
				return
			}
			errs[i] = hs.Start(c.hostsFile, c.trustStore)
		}()
	}
	wg.Wait()
	var messages []string
	for _, err := range errs {
		if err != nil {
			messages = append(messages, err.Error())
		}
	}
	if len(messages) > 0 {
		return fmt.Errorf("%s", strings.Join(messages, "\n"))
	}
	return nil
}

func (c *Cluster) prepareCertificate(hs *Homeserver) error {
	crt := filepath.Join(hs.Dir, "federation.crt")
	if _, err := os.Stat(crt); err == nil {
		return nil // same package, same CA: the certificate of the first start still holds
	}
	return writeFederationCertificate(c.cfg.CACertificate, c.cfg.CAPrivateKey, hs.Name, hs.IP, crt,
		filepath.Join(hs.Dir, "federation.key"))
}

// Deploy is Complement's custom-deployment hook (complement.WithDeployment).
func (c *Cluster) Deploy(t ct.TestLike, numServers int, cfg *config.Complement) complement.Deployment {
	t.Helper()
	if numServers < 1 || numServers > MaxServers {
		ct.Fatalf(t, "Deploy: %d homeservers asked; this deployer runs 1 to %d", numServers, MaxServers)
	}
	started := time.Now()
	servers, err := c.ensureRunning(numServers)
	if err != nil {
		ct.Fatalf(t, "Deploy: %s", err)
	}
	if d := time.Since(started); d > time.Second {
		t.Logf("Deploy: started homeservers in %.1f s", d.Seconds())
	}
	byName := make(map[string]*Homeserver, len(servers))
	for _, hs := range servers {
		byName[hs.Name] = hs
	}
	return &deployment{cluster: c, cfg: cfg, servers: byName}
}

// restart stops and starts the given servers, keeping their data.
func (c *Cluster) restart(servers []*Homeserver) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, hs := range servers {
		if err := hs.Stop(); err != nil {
			return err
		}
	}
	return c.startAll(servers)
}

func (c *Cluster) stop(hs *Homeserver) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return hs.Stop()
}

func (c *Cluster) start(hs *Homeserver) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hs.Running() {
		return fmt.Errorf("%s is running; StartServer needs a stopped server", hs.Name)
	}
	return c.startAll([]*Homeserver{hs})
}

// Close stops every server (complement.WithCleanup). The data directories stay for the runner to keep or remove.
func (c *Cluster) Close(*config.Complement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, hs := range c.servers {
		_ = hs.Stop()
	}
}
