package deployer

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Every homeserver gets a loopback address of its own, so all of them can listen on the ports the spec and
// Complement expect (client 8008, federation 8448) and a server name `hsN` maps to one address both ways.
const (
	ClientPort     = 8008
	FederationPort = 8448
	MetricsPort    = 9008
)

var hsNamePattern = regexp.MustCompile(`^hs([1-9][0-9]?)$`)

// loopbackAddress maps hs1 → 127.0.0.2, hs2 → 127.0.0.3, … (127.0.0.1 stays Complement's own address, where its
// fake federation servers listen).
func loopbackAddress(hsName string) (net.IP, error) {
	m := hsNamePattern.FindStringSubmatch(hsName)
	if m == nil {
		return nil, fmt.Errorf("homeserver name %q is not of the form hsN (1 ≤ N ≤ 99)", hsName)
	}
	n, _ := strconv.Atoi(m[1])
	return net.IPv4(127, 0, 0, byte(n+1)), nil
}

// hsNames returns hs1 … hsN.
func hsNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("hs%d", i+1)
	}
	return names
}

// hostsFile renders the file the JVMs resolve names with (-Djdk.net.hosts.file): with that property the JVM asks
// nothing else, so it also names localhost and the host Complement's fake servers run on.
func hostsFile(complementHost string, maxServers int) string {
	lines := []string{"127.0.0.1 localhost"}
	if complementHost != "" && complementHost != "localhost" && net.ParseIP(complementHost) == nil {
		lines = append(lines, "127.0.0.1 "+complementHost)
	}
	for _, name := range hsNames(maxServers) {
		ip, _ := loopbackAddress(name)
		lines = append(lines, ip.String()+" "+name)
	}
	return strings.Join(lines, "\n") + "\n"
}
