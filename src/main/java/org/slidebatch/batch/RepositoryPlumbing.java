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

/**
 * Two adjustments to the beans Spring Boot makes for the job repository.
 * <ul>
 *   <li>The DataSource is wrapped in a {@link LazyConnectionDataSourceProxy}: a chunk transaction takes a pooled
 *       connection at its first statement, not at its start. A per-slide step computes a slide (minutes) before its
 *       writer's first statement, so {@code workers} threads share a small pool; before this, each held a connection
 *       for the whole slide and the 11th worker timed out after 30 s (the execution ended UNKNOWN).</li>
 *   <li>The JobRepository records the owning process (host, pid, process start time) around the creation of every job
 *       execution: a claim on the job instance before it, the owner row right after it (Spring Batch creates executions
 *       in a transaction of its own and refuses an outer one). A kill between the two leaves a claim, so
 *       {@code restart} can always tell a dead owner on this host without {@code --force}.</li>
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
        // Spring Batch's repository is itself a JDK proxy (its transactional wrapper): wrap it unless it is already ours.
        if (bean instanceof JobRepository repo
            && !(Proxy.isProxyClass(bean.getClass()) && Proxy.getInvocationHandler(bean) instanceof OwnerRecording)) {
            return ownerRecording(repo);
        }
        return bean;
    }

    private JobRepository ownerRecording(JobRepository delegate) {
        return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(), new Class<?>[] {JobRepository.class},
            new OwnerRecording(delegate));
    }

    /** Records the owner in the transaction that creates the job execution. */
    private final class OwnerRecording implements InvocationHandler {

        private final JobRepository delegate;

        OwnerRecording(JobRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
            if (!method.getName().equals("createJobExecution")) {
                return RepositoryPlumbing.invoke(delegate, method, args);
            }
            // Spring Batch refuses to create an execution inside a caller's transaction, so the owner row cannot commit
            // with it: claim the instance first (a kill in between leaves a claim naming this process), then record.
            PassportStore store = passports.getObject();
            String host = HostFacts.current().host();
            if (args != null && args.length > 0 && args[0] instanceof org.springframework.batch.core.job.JobInstance instance) {
                store.claim(instance.getInstanceId(), PassportStore.ExecutionOwner.current(0, host));
            }
            JobExecution created = (JobExecution) RepositoryPlumbing.invoke(delegate, method, args);
            store.saveOwner(PassportStore.ExecutionOwner.current(created.getId(), host));
            return created;
        }
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
