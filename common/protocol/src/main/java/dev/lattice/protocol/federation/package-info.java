/**
 * The server-server API's pure parts: signing and verifying federation requests with the {@code X-Matrix}
 * authorization scheme (<a href="https://spec.matrix.org/v1.19/server-server-api/#request-authentication">Request
 * Authentication</a>). No I/O: key lookup is a function the caller passes in.
 *
 * <pre>{@code
 * // Sending:
 * XMatrix header = new FederationRequest("GET", "/_matrix/federation/v1/version", us, them, Optional.empty())
 *         .sign(signingKey);
 * httpRequest.header("Authorization", header.toHeaderValue());
 * // Receiving:
 * XMatrix auth = XMatrix.parse(authorizationHeader);                    // XMatrixException: 401
 * RequestCheck check = FederationRequest.verify(method, uri, content, auth, ourName, keys, now);
 * }</pre>
 */
package dev.lattice.protocol.federation;
