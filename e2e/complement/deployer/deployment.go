package deployer

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/matrix-org/complement/client"
	"github.com/matrix-org/complement/config"
	"github.com/matrix-org/complement/ct"
	"github.com/matrix-org/complement/helpers"
	"github.com/matrix-org/gomatrixserverlib/spec"
)

// deployment is what one test sees: hs1…hsN of the package's cluster.
type deployment struct {
	cluster *Cluster
	cfg     *config.Complement
	servers map[string]*Homeserver
}

func (d *deployment) server(t ct.TestLike, hsName string) *Homeserver {
	t.Helper()
	hs, ok := d.servers[hsName]
	if !ok {
		ct.Fatalf(t, "homeserver %q is not in this deployment (it has %d)", hsName, len(d.servers))
	}
	return hs
}

// GetFullyQualifiedHomeserverName: the server name is hsN itself; the JVMs resolve it through the hosts file and
// Go clients through RoundTripper.
func (d *deployment) GetFullyQualifiedHomeserverName(t ct.TestLike, hsName string) spec.ServerName {
	t.Helper()
	return spec.ServerName(d.server(t, hsName).Name)
}

func (d *deployment) newClient(t ct.TestLike, hsName string) *client.CSAPI {
	t.Helper()
	hs := d.server(t, hsName)
	return client.NewCSAPI(client.CSAPIOpts{
		BaseURL:          hs.BaseURL(),
		Client:           client.NewLoggedClient(t, hsName, nil),
		SyncUntilTimeout: 5 * time.Second,
		Debug:            d.cfg.DebugLoggingEnabled,
	})
}

func (d *deployment) UnauthenticatedClient(t ct.TestLike, hsName string) *client.CSAPI {
	t.Helper()
	return d.newClient(t, hsName)
}

// Register makes a user with a localpart unique in the cluster, as Complement's Docker deployer does per
// deployment (ours outlive deployments, so the counter is the cluster's).
func (d *deployment) Register(t ct.TestLike, hsName string, opts helpers.RegistrationOpts) *client.CSAPI {
	t.Helper()
	c := d.newClient(t, hsName)
	c.Password = opts.Password
	if c.Password == "" {
		c.Password = "complement_meets_min_password_req"
	}
	localpart := fmt.Sprintf("user-%d", d.cluster.localparts.Add(1))
	if opts.LocalpartSuffix != "" {
		localpart += "-" + opts.LocalpartSuffix
	}
	if opts.IsAdmin {
		c.UserID, c.AccessToken, c.DeviceID = c.RegisterSharedSecret(t, localpart, c.Password, true)
	} else {
		c.UserID, c.AccessToken, c.DeviceID = c.RegisterUser(t, localpart, c.Password)
	}
	return c
}

func (d *deployment) Login(t ct.TestLike, hsName string, existing *client.CSAPI, opts helpers.LoginOpts) *client.CSAPI {
	t.Helper()
	localpart, _, ok := strings.Cut(strings.TrimPrefix(existing.UserID, "@"), ":")
	if !ok {
		ct.Fatalf(t, "Login: existing client has no valid user ID (%q)", existing.UserID)
	}
	c := d.newClient(t, hsName)
	c.Password = existing.Password
	if opts.Password != "" {
		c.Password = opts.Password
	}
	// the existing client's password unless the test names another (Complement's deployer sends only the latter)
	if opts.DeviceID == "" {
		c.UserID, c.AccessToken, c.DeviceID = c.LoginUser(t, localpart, c.Password)
	} else {
		c.UserID, c.AccessToken, c.DeviceID = c.LoginUser(t, localpart, c.Password, client.WithDeviceID(opts.DeviceID))
	}
	return c
}

// AppServiceUser: Lattice has no application services configured by this deployer.
func (d *deployment) AppServiceUser(t ct.TestLike, hsName, appServiceUserID string) *client.CSAPI {
	t.Helper()
	ct.Fatalf(t, "AppServiceUser: this deployer registers no application services")
	return nil
}

func (d *deployment) list() []*Homeserver {
	list := make([]*Homeserver, 0, len(d.servers))
	for _, name := range hsNames(len(d.servers)) {
		list = append(list, d.servers[name])
	}
	return list
}

// Restart stops and starts every server of the deployment; their data stays.
func (d *deployment) Restart(t ct.TestLike) error {
	t.Helper()
	if err := d.cluster.restart(d.list()); err != nil {
		t.Errorf("Restart: %s", err)
		return err
	}
	return nil
}

func (d *deployment) StopServer(t ct.TestLike, hsName string) {
	t.Helper()
	t.Logf("StopServer %s", hsName)
	if err := d.cluster.stop(d.server(t, hsName)); err != nil {
		ct.Fatalf(t, "StopServer: %s", err)
	}
}

// StartServer starts a server stopped by StopServer, on the same address and with the same data.
func (d *deployment) StartServer(t ct.TestLike, hsName string) {
	t.Helper()
	t.Logf("StartServer %s", hsName)
	if err := d.cluster.start(d.server(t, hsName)); err != nil {
		ct.Fatalf(t, "StartServer: %s", err)
	}
}

func (d *deployment) PauseServer(t ct.TestLike, hsName string) {
	t.Helper()
	if err := d.server(t, hsName).Pause(); err != nil {
		ct.Fatalf(t, "PauseServer: %s", err)
	}
}

func (d *deployment) UnpauseServer(t ct.TestLike, hsName string) {
	t.Helper()
	if err := d.server(t, hsName).Resume(); err != nil {
		ct.Fatalf(t, "UnpauseServer: %s", err)
	}
}

// ContainerID: there is no container; the server's directory (data and lattice.log) is what identifies it.
func (d *deployment) ContainerID(t ct.TestLike, hsName string) string {
	t.Helper()
	return d.server(t, hsName).Dir
}

// Destroy leaves the servers running for the next test (see Cluster); a failed test gets the log locations.
func (d *deployment) Destroy(t ct.TestLike) {
	t.Helper()
	if t.Failed() || d.cfg.AlwaysPrintServerLogs {
		for _, hs := range d.list() {
			t.Logf("Destroy: %s logs to %s", hs.Name, hs.LogPath())
		}
	}
}

func (d *deployment) GetConfig() *config.Complement { return d.cfg }

func (d *deployment) Network() string { return "" }

// RoundTripper sends federation requests for https://hsN to hsN's federation listener, and requests for
// Complement's own host to 127.0.0.1, as Complement's Docker deployer does for its containers. Only the dialled
// address changes: the URL, the Host header and the TLS server name stay hsN.
func (d *deployment) RoundTripper() http.RoundTripper {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			mapped, err := d.dialAddress(address)
			if err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, mapped)
		},
		// Complement's own deployer does not verify either: tests check Matrix signatures, not TLS
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
		ForceAttemptHTTP2: true,
	}
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		// gomatrixserverlib asks for matrix-federation://hsN/…: a server name, no port, no scheme a transport knows
		out := req.Clone(req.Context())
		out.URL.Scheme = "https"
		if req.URL.Port() == "" {
			out.URL.Host = net.JoinHostPort(req.URL.Hostname(), strconv.Itoa(FederationPort))
		}
		out.Host = req.URL.Host
		return transport.RoundTrip(out)
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// dialAddress maps host:port as a request names it to where it listens.
func (d *deployment) dialAddress(address string) (string, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return "", err
	}
	if host == d.cfg.HostnameRunningComplement {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if hs, ok := d.servers[host]; ok {
		return net.JoinHostPort(hs.IP.String(), port), nil
	}
	return "", fmt.Errorf("RoundTripper: unknown homeserver %q", host)
}
