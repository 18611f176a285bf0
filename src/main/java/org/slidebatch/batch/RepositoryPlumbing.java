package org.slidebatch.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import javax.sql.DataSource;

import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two adjustments to the beans Spring Boot makes for the job repository.
 * <ul>
 *   <li>The DataSource is wrapped in a {@link LazyConnectionDataSourceProxy}: a chunk transaction takes a pooled
 *       connection at its first statement, not at its start. A per-slide step computes a slide (minutes) before its
 *       writer's first statement, so {@code workers} threads share a small pool; before this, each held a connection
 *       for the whole slide and the 11th worker timed out after 30 s (the execution ended UNKNOWN).</li>
 *   <li>The JobRepository records the owning process (host, pid, process start time) in the same transaction that
 *       creates a job execution, so no kill leaves an execution without a known owner, and {@code restart} can always
 *       tell a dead owner on this host.</li>
 * </ul>
 */
public final class RepositoryPlumbing implements BeanPostProcessor {

    private final ObjectProvider<PassportStore> passports;
    private final ObjectProvider<PlatformTransactionManager> tx;

    public RepositoryPlumbing(ObjectProvider<PassportStore> passports, ObjectProvider<PlatformTransactionManager> tx) {
        this.passports = passports;
        this.tx = tx;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource ds && !(bean instanceof LazyConnectionDataSourceProxy)) {
            return new LazyConnectionDataSourceProxy(ds);
        }
        if (bean instanceof JobRepository repo && !Proxy.isProxyClass(bean.getClass())) {
            return ownerRecording(repo);
        }
        return bean;
    }

    private JobRepository ownerRecording(JobRepository delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (!method.getName().equals("createJobExecution")) {
                return invoke(delegate, method, args);
            }
            return new TransactionTemplate(tx.getObject()).execute(status -> {
                JobExecution created = (JobExecution) invoke(delegate, method, args);
                passports.getObject().saveOwner(PassportStore.ExecutionOwner.current(created.getId(), HostFacts.current().host()));
                return created;
            });
        };
        return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(), new Class<?>[] {JobRepository.class},
            handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new java.lang.reflect.UndeclaredThrowableException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
