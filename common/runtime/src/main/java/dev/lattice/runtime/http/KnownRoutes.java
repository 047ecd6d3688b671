package dev.lattice.runtime.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Every (method, path pattern) the process serves, recorded by {@link MatrixRouter}, so that
 * {@link MatrixErrorHandler} can tell a request no route matched apart: a path we serve with another method (405)
 * or a path we do not serve (404). Both answer {@code M_UNRECOGNIZED}, as the spec requires.
 */
public final class KnownRoutes {
    private record Route(HttpMethod method, PathPattern pattern) {}

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    void add(HttpMethod method, PathPattern pattern) {
        routes.add(new Route(method, pattern));
    }

    /** The methods served at this path; empty when the path is unknown. */
    public List<HttpMethod> methodsAt(PathContainer path) {
        return routes.stream()
                .filter(route -> route.pattern().matches(path))
                .map(Route::method)
                .distinct()
                .toList();
    }
}
