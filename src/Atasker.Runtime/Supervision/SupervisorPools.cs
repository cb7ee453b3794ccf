using System;

namespace Atasker;

/// <summary>
/// A supervisor's three pools: each an admission (limits, queues by priority, queue-wait thresholds) over the runner
/// that runs what it admits. The thread pool's runner also serves its admission's ready queue (a finishing thread
/// takes the next task itself).
/// </summary>
internal sealed class SupervisorPools : IDisposable
{
    private readonly string _supervisorId;

    /// <summary>The default pools of <paramref name="supervisor"/>, which observes their queue waits.</summary>
    public SupervisorPools(TaskSupervisor supervisor, SupervisorClock clock)
    {
        _supervisorId = supervisor.Id;
        IQueueWaitObserver observer = supervisor;
        ThreadRunner = new ThreadRunner(supervisor, clock);
        Thread = new PriorityAdmission("thread", new PoolLimits(Environment.ProcessorCount * 5, 5, 5), ThreadRunner, observer, clock) { Owner = supervisor };
        ThreadRunner.Serve(Thread);
        Async = new PriorityAdmission("async", new PoolLimits(0), LoopRunner.Instance, observer, clock) { Owner = supervisor };
        ProcessRunner = new ProcessRunner(clock);
        Process = new PriorityAdmission("process", new PoolLimits(Environment.ProcessorCount), ProcessRunner, observer, clock) { Owner = supervisor };
    }

    public ThreadRunner ThreadRunner { get; }

    public ProcessRunner ProcessRunner { get; }

    public PriorityAdmission Thread { get; }

    public PriorityAdmission Async { get; }

    public PriorityAdmission Process { get; }

    /// <summary>The pool a task of <paramref name="kind"/> waits in for its slot.</summary>
    public PriorityAdmission For(TaskKind kind) => kind switch
    {
        TaskKind.Async => Async,
        TaskKind.Process => Process,
        _ => Thread,
    };

    /// <summary>Sets a pool's limits, live, after checking them (the message names the pool and the supervisor).</summary>
    public void SetLimits(TaskKind kind, int poolSize, int reserveNormal, int reserveHigh)
    {
        var pool = For(kind);
        pool.SetLimits(ValidLimits(pool.Name, poolSize, reserveNormal, reserveHigh));
    }

    /// <summary>Applies the supervisor's queue-wait thresholds (in clock units) to every pool.</summary>
    public void SetQueueWaitThresholds(long warning, long critical)
    {
        Thread.SetQueueWaitThresholds(warning, critical);
        Async.SetQueueWaitThresholds(warning, critical);
        Process.SetQueueWaitThresholds(warning, critical);
    }

    public (PoolInfo Thread, PoolInfo Async, PoolInfo Process) GetInfo() => (Thread.GetInfo(), Async.GetInfo(), Process.GetInfo());

    /// <summary>Lets the threads and the idle worker processes go (the end of a stop).</summary>
    public void Shutdown()
    {
        ThreadRunner.Shutdown();
        ProcessRunner.Shutdown();
    }

    public void Dispose()
    {
        Thread.Dispose();
        Async.Dispose();
        Process.Dispose();
    }

    private PoolLimits ValidLimits(string pool, int poolSize, int reserveNormal, int reserveHigh)
    {
        if (poolSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, $"The {pool} pool size of supervisor '{_supervisorId}' must be 0 (no limit) or more.");
        }

        if (reserveNormal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reserveNormal), reserveNormal, $"The {pool} pool's normal reserve of supervisor '{_supervisorId}' must be 0 or more.");
        }

        if (reserveHigh < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reserveHigh), reserveHigh, $"The {pool} pool's high reserve of supervisor '{_supervisorId}' must be 0 or more.");
        }

        return new PoolLimits(poolSize, reserveNormal, reserveHigh);
    }
}
