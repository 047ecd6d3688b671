// Package deployer runs Complement's tests against Lattice without Docker: it implements complement.Deployment
// by starting Lattice all-in-one processes, hsN on loopback address 127.0.0.(N+1), client API on 8008 and
// federation on 8448 with a certificate from Complement's per-run CA. See ../README.md.
package deployer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matrix-org/complement"
	"github.com/matrix-org/complement/config"
	"github.com/matrix-org/complement/ct"
)

// Environment variables the runner (run.sh) sets.
const (
	envJar          = "LATTICE_COMPLEMENT_JAR"           // required: the all-in-one jar
	envJava         = "LATTICE_COMPLEMENT_JAVA"          // the java binary; default $JAVA_HOME/bin/java
	envJavaOptions  = "LATTICE_COMPLEMENT_JAVA_OPTS"     // space-separated; default -Xmx512m
	envWorkDir      = "LATTICE_COMPLEMENT_WORKDIR"       // where servers keep data and logs; default a temp dir
	envStartTimeout = "LATTICE_COMPLEMENT_START_TIMEOUT" // seconds; default 300
)

// TestMain replaces the TestMain of a Complement test package (run.sh swaps its main_test.go for one calling
// this, with go test -overlay). namespace is the one Complement's own main_test.go passes.
func TestMain(m *testing.M, namespace string) {
	// Complement insists on a base image even when a custom deployment makes none
	if os.Getenv("COMPLEMENT_BASE_IMAGE") == "" {
		_ = os.Setenv("COMPLEMENT_BASE_IMAGE", "lattice-without-docker")
	}
	launcher, workDir, err := launcherFromEnv(namespace)
	if err != nil {
		fmt.Fprintf(os.Stderr, "deployer: %s\n", err)
		os.Exit(2)
	}
	var (
		once    sync.Once
		cluster *Cluster
		initErr error
	)
	deploy := func(t ct.TestLike, numServers int, cfg *config.Complement) complement.Deployment {
		t.Helper()
		// the CA exists only once Complement has read its configuration, so the cluster starts with the first test
		once.Do(func() { cluster, initErr = newCluster(cfg, launcher, workDir) })
		if initErr != nil {
			ct.Fatalf(t, "Deploy: %s", initErr)
		}
		return cluster.Deploy(t, numServers, cfg)
	}
	cleanup := func(cfg *config.Complement) {
		if cluster != nil {
			cluster.Close(cfg)
		}
	}
	complement.TestMain(m, namespace, complement.WithDeployment(deploy), complement.WithCleanup(cleanup))
}

func launcherFromEnv(namespace string) (Launcher, string, error) {
	jar := os.Getenv(envJar)
	if jar == "" {
		return Launcher{}, "", fmt.Errorf("%s is not set (run the tests with e2e/complement/run.sh)", envJar)
	}
	if _, err := os.Stat(jar); err != nil {
		return Launcher{}, "", fmt.Errorf("%s: %w", envJar, err)
	}
	java := os.Getenv(envJava)
	if java == "" {
		home := os.Getenv("JAVA_HOME")
		if home == "" {
			return Launcher{}, "", fmt.Errorf("neither %s nor JAVA_HOME is set", envJava)
		}
		java = filepath.Join(home, "bin", "java")
	}
	options := strings.Fields(os.Getenv(envJavaOptions))
	if len(options) == 0 {
		options = []string{"-Xmx512m"}
	}
	timeout := 300 * time.Second
	if s := os.Getenv(envStartTimeout); s != "" {
		seconds, err := time.ParseDuration(s + "s")
		if err != nil {
			return Launcher{}, "", fmt.Errorf("%s: %w", envStartTimeout, err)
		}
		timeout = seconds
	}
	workDir := os.Getenv(envWorkDir)
	if workDir == "" {
		dir, err := os.MkdirTemp("", "lattice-complement-")
		if err != nil {
			return Launcher{}, "", err
		}
		workDir = dir
	}
	// one directory per package: the servers of a package are its own (new CA, fresh data)
	workDir = filepath.Join(workDir, namespace)
	if err := os.RemoveAll(workDir); err != nil {
		return Launcher{}, "", err
	}
	return Launcher{Java: java, Jar: jar, JavaOptions: options, StartTimeout: timeout, StopTimeout: 30 * time.Second},
		workDir, nil
}
