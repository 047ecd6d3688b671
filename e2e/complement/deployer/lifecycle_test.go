package deployer

import (
	"net/http"
	"os"
	"testing"

	"github.com/matrix-org/complement/config"
	"github.com/matrix-org/complement/helpers"
)

// TestStopStartAndRestartKeepData runs a real Lattice process (run.sh selftest sets LATTICE_COMPLEMENT_JAR):
// a user registered before StopServer/StartServer and before Restart can still log in after them, the server
// answers on the same address, and a stopped server really stops answering.
func TestStopStartAndRestartKeepData(t *testing.T) {
	if os.Getenv(envJar) == "" {
		t.Skipf("%s is not set: run it with e2e/complement/run.sh selftest", envJar)
	}
	launcher, dir, err := launcherFromEnv("selftest")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Complement{HostnameRunningComplement: "host.docker.internal"}
	if err := cfg.GenerateCA(); err != nil {
		t.Fatal(err)
	}
	cluster, err := newCluster(cfg, launcher, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close(cfg)

	d := cluster.Deploy(t, 1, cfg)
	alice := d.Register(t, "hs1", helpers.RegistrationOpts{Password: "alice-password"})
	versions := d.UnauthenticatedClient(t, "hs1").BaseURL + "/_matrix/client/versions"

	d.StopServer(t, "hs1")
	if res, err := http.Get(versions); err == nil {
		res.Body.Close()
		t.Fatalf("hs1 still answers after StopServer: %s", res.Status)
	}
	d.StartServer(t, "hs1")
	if again := d.Login(t, "hs1", alice, helpers.LoginOpts{}); again.UserID != alice.UserID {
		t.Fatalf("after StartServer logged in as %s, want %s", again.UserID, alice.UserID)
	}

	if err := d.Restart(t); err != nil {
		t.Fatal(err)
	}
	if again := d.Login(t, "hs1", alice, helpers.LoginOpts{}); again.UserID != alice.UserID {
		t.Fatalf("after Restart logged in as %s, want %s", again.UserID, alice.UserID)
	}

	// a later deployment reuses the running server, and its users stay distinct from earlier ones
	bob := cluster.Deploy(t, 1, cfg).Register(t, "hs1", helpers.RegistrationOpts{})
	if bob.UserID == alice.UserID {
		t.Fatalf("second deployment registered %s again", bob.UserID)
	}
}
