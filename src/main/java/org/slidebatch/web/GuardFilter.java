package org.slidebatch.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of every request: only GET and HEAD pass (the dashboard changes nothing, so no other method has a
 * meaning here: 405), and when a token is configured the request must carry it ({@code Authorization: Bearer T},
 * the {@code slidebatch_token} cookie, or {@code ?token=T}, which sets that cookie so links keep working).
 */
@Component
@Profile(DashboardApplication.PROFILE)
class GuardFilter extends OncePerRequestFilter {

    static final String COOKIE = "slidebatch_token";

    private final String token;

    GuardFilter(@Value("${slidebatch.serve.token:}") String token) {
        this.token = token == null || token.isBlank() ? null : token;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Referrer-Policy", "no-referrer");
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            res.setHeader("Allow", "GET, HEAD");
            res.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "read-only dashboard: " + method + " is not allowed");
            return;
        }
        if (token != null) {
            String given = null;
            String auth = req.getHeader("Authorization");
            if (auth != null && auth.startsWith("Bearer ")) {
                given = auth.substring("Bearer ".length()).trim();
            }
            if (given == null && req.getCookies() != null) {
                for (Cookie c : req.getCookies()) {
                    if (c.getName().equals(COOKIE)) {
                        given = c.getValue();
                    }
                }
            }
            String query = req.getParameter("token");
            if (given == null && query != null) {
                given = query;
                if (same(query)) {
                    Cookie c = new Cookie(COOKIE, query);
                    c.setHttpOnly(true);
                    c.setPath("/");
                    c.setAttribute("SameSite", "Strict");
                    res.addCookie(c);
                }
            }
            if (given == null || !same(given)) {
                res.sendError(HttpServletResponse.SC_UNAUTHORIZED, "a token is required (Authorization: Bearer T, or ?token=T)");
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private boolean same(String given) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
