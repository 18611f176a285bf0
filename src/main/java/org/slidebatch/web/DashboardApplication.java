package org.slidebatch.web;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slidebatch.store.RunHistoryStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.slidebatch.store.RepositoryConnection;

/**
 * The dashboard's Spring context. Profile {@code serve} keeps these beans out of the batch context, whose component
 * scan covers this package. The connection is unpooled (an embedded H2 file is not held open between requests, so
 * jobs keep starting normally) and read-only: on PostgreSQL the session is set READ ONLY, so the server refuses any
 * write; H2 has no such session mode and treats {@link Connection#setReadOnly} as a hint, which is why
 * {@link RunHistoryStore} itself refuses every statement but SELECT.
 */
@Configuration(proxyBeanMethods = false)
@Profile(DashboardApplication.PROFILE)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = DashboardApplication.class)
public class DashboardApplication {

    public static final String PROFILE = "serve";

    @Bean
    DataSource readOnlyDataSource(org.springframework.core.env.Environment env, Workspace dashboardWorkspace) {
        RepositoryConnection db = RepositoryConnection.resolve(env, dashboardWorkspace);
        // IFEXISTS: the dashboard never creates the embedded database of a workspace that has none.
        String url = db.embedded() ? db.getJdbcUrl() + ";IFEXISTS=TRUE" : db.getJdbcUrl();
        return new DelegatingDataSource(new DriverManagerDataSource(url, db.getUsername(), db.getPassword())) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = super.getConnection();
                c.setReadOnly(true);
                if ("PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
                    // pgjdbc applies setReadOnly only to explicit transactions; this makes the server refuse every
                    // write of this session, autocommit included.
                    try (java.sql.Statement s = c.createStatement()) {
                        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                    }
                }
                return c;
            }
        };
    }

    @Bean
    RunHistoryStore runHistoryStore(DataSource dataSource) {
        return new RunHistoryStore(dataSource);
    }

    @Bean
    Workspace dashboardWorkspace(@Value("${slidebatch.workspace}") String root) {
        return new Workspace(java.nio.file.Path.of(root));
    }
}
