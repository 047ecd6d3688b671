/** TLS material for the federation listener. The only place outside common/protocol that uses BouncyCastle. */
package dev.lattice.runtime.tls;
