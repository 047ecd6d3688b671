package deployer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Launcher says how to start a Lattice all-in-one process; the runner script fills it from the environment.
type Launcher struct {
	Java         string        // the java binary
	Jar          string        // lattice.jar (or its extracted form)
	JavaOptions  []string      // heap size, class-data-sharing archive, …
	StartTimeout time.Duration // until /_matrix/client/versions answers 200
	StopTimeout  time.Duration // after SIGTERM, before SIGKILL
}

// Homeserver is one Lattice process, hsN on its own loopback address, with a data directory that outlives the
// process so StopServer/StartServer and Restart keep what it stored.
type Homeserver struct {
	Name     string
	IP       net.IP
	Dir      string // data, logs, certificate
	launcher Launcher

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	paused bool
}

func newHomeserver(name, dir string, launcher Launcher) (*Homeserver, error) {
	ip, err := loopbackAddress(name)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Homeserver{Name: name, IP: ip, Dir: dir, launcher: launcher}, nil
}

// BaseURL is the client API, as Complement's clients reach it.
func (h *Homeserver) BaseURL() string {
	return fmt.Sprintf("http://%s:%d", h.IP, ClientPort)
}

// FederationAddress is host:port of the federation listener.
func (h *Homeserver) FederationAddress() string {
	return net.JoinHostPort(h.IP.String(), strconv.Itoa(FederationPort))
}

func (h *Homeserver) LogPath() string { return filepath.Join(h.Dir, "lattice.log") }

// Running reports whether the process was started and has not exited.
func (h *Homeserver) Running() bool {
	if h.cmd == nil {
		return false
	}
	select {
	case <-h.exited:
		return false
	default:
		return true
	}
}

// environment is the server's configuration: Lattice reads LATTICE_* variables as Spring Boot properties.
func (h *Homeserver) environment(hostsFile, trustStore string) []string {
	ip := h.IP.String()
	env := []string{
		"LATTICE_SERVERNAME=" + h.Name,
		"LATTICE_CLIENT_BINDADDRESS=" + ip, "LATTICE_CLIENT_PORT=" + strconv.Itoa(ClientPort),
		"LATTICE_FEDERATION_BINDADDRESS=" + ip, "LATTICE_FEDERATION_PORT=" + strconv.Itoa(FederationPort),
		"LATTICE_FEDERATION_TLSCERTIFICATE=" + filepath.Join(h.Dir, "federation.crt"),
		"LATTICE_FEDERATION_TLSPRIVATEKEY=" + filepath.Join(h.Dir, "federation.key"),
		// each server has its own address, so the default metrics port never collides
		"LATTICE_METRICS_BINDADDRESS=" + ip, "LATTICE_METRICS_PORT=" + strconv.Itoa(MetricsPort),
		// the secret Complement's RegisterSharedSecret signs with (client.SharedSecret)
		"LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=complement",
		// a test server: cheap password hashes, no throttling of the hundreds of registrations and logins
		"LATTICE_CLIENTAPI_BCRYPTCOST=4",
		"LATTICE_CLIENTAPI_RATELIMITS_LOGIN_PERSECOND=1000", "LATTICE_CLIENTAPI_RATELIMITS_LOGIN_BURST=1000",
		"LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_PERSECOND=1000",
		"LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_BURST=1000",
	}
	// hs1, hs2 and Complement's own host resolve through this file; outbound TLS trusts Complement's CA
	jvm := []string{"-Djdk.net.hosts.file=" + hostsFile}
	if trustStore != "" {
		jvm = append(jvm, "-Djavax.net.ssl.trustStore="+trustStore, "-Djavax.net.ssl.trustStorePassword=complement",
			"-Djavax.net.ssl.trustStoreType=PKCS12")
	}
	env = append(env, "JAVA_TOOL_OPTIONS="+strings.Join(jvm, " "))
	for _, kv := range os.Environ() {
		// the caller's PATH, HOME, TMPDIR…, but none of its LATTICE_* or JAVA_TOOL_OPTIONS
		if !strings.HasPrefix(kv, "LATTICE_") && !strings.HasPrefix(kv, "JAVA_TOOL_OPTIONS=") {
			env = append(env, kv)
		}
	}
	return env
}

// Start launches the process and waits until its client API answers /versions.
func (h *Homeserver) Start(hostsFile, trustStore string) error {
	if h.Running() {
		return fmt.Errorf("%s is already running", h.Name)
	}
	logFile, err := os.OpenFile(h.LogPath(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logFile, "\n==== deployer: starting %s at %s ====\n", h.Name, time.Now().Format(time.RFC3339))
	var args []string
	for _, option := range h.launcher.JavaOptions {
		// {hs} lets each server have a file of its own, e.g. its class-data-sharing archive
		args = append(args, strings.ReplaceAll(option, "{hs}", h.Name))
	}
	args = append(args, "--enable-native-access=ALL-UNNAMED", "-jar", h.launcher.Jar, "run")
	cmd := exec.Command(h.launcher.Java, args...)
	cmd.Dir = h.Dir
	cmd.Env = h.environment(hostsFile, trustStore)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// its own process group: Stop can end the JVM and the embedded PostgreSQL it started in one signal
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", h.Name, err)
	}
	h.cmd, h.exited, h.paused = cmd, make(chan struct{}), false
	_ = os.WriteFile(filepath.Join(h.Dir, "lattice.pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
	go func(exited chan struct{}) {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}(h.exited)
	if err := h.awaitReady(started); err != nil {
		_ = h.Stop()
		return err
	}
	fmt.Fprintf(os.Stderr, "deployer: %s answered on %s after %.1f s\n", h.Name, h.BaseURL(),
		time.Since(started).Seconds())
	return nil
}

func (h *Homeserver) awaitReady(started time.Time) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := started.Add(h.launcher.StartTimeout)
	for time.Now().Before(deadline) {
		if !h.Running() {
			return fmt.Errorf("%s exited before answering; last lines of %s:\n%s", h.Name, h.LogPath(),
				tail(h.LogPath(), 30))
		}
		res, err := client.Get(h.BaseURL() + "/_matrix/client/versions")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer /versions within %s; last lines of %s:\n%s", h.Name,
		h.launcher.StartTimeout, h.LogPath(), tail(h.LogPath(), 30))
}

// Stop ends the process as an operator would (SIGTERM, so PostgreSQL and Kafka shut down cleanly), and kills
// its whole process group if it does not exit in time. The data directory stays.
func (h *Homeserver) Stop() error {
	if h.cmd == nil {
		return nil
	}
	pid := h.cmd.Process.Pid
	if h.paused {
		_ = syscall.Kill(-pid, syscall.SIGCONT)
		h.paused = false
	}
	if h.Running() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-h.exited:
		case <-time.After(h.launcher.StopTimeout):
			fmt.Fprintf(os.Stderr, "deployer: %s did not stop within %s; killing it\n", h.Name, h.launcher.StopTimeout)
		}
	}
	// whatever of the group is left (an embedded PostgreSQL that outlived the JVM)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	<-h.exited
	killLeftoverPostgres(h.Dir)
	_ = os.Remove(filepath.Join(h.Dir, "lattice.pid"))
	h.cmd = nil
	return nil
}

// Pause and Resume suspend the process group in memory (Complement's PauseServer: the peer stops answering but
// keeps its state and addresses).
func (h *Homeserver) Pause() error {
	if !h.Running() {
		return fmt.Errorf("%s is not running", h.Name)
	}
	h.paused = true
	return syscall.Kill(-h.cmd.Process.Pid, syscall.SIGSTOP)
}

func (h *Homeserver) Resume() error {
	if !h.Running() {
		return fmt.Errorf("%s is not running", h.Name)
	}
	h.paused = false
	return syscall.Kill(-h.cmd.Process.Pid, syscall.SIGCONT)
}

// killLeftoverPostgres stops an embedded PostgreSQL that escaped the process group, by its own pid file, so the
// next start finds its data directory free.
func killLeftoverPostgres(dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "data", "postgres", "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0]))
	if err != nil || pid <= 1 || syscall.Kill(pid, 0) != nil {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for syscall.Kill(pid, 0) == nil {
		if ctx.Err() != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "(no log)"
		}
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
