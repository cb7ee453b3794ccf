using System;
using System.Threading;

namespace Atasker;

/// <content>The three pools (thread, async, process): their limits, queue-wait thresholds and runners, in <see cref="SupervisorPools"/>.</content>
public sealed partial class TaskSupervisor
{
    private const int MaxKeptThreads = short.MaxValue;

    /// <summary>
    /// A task waiting longer than this for a slot is reported through <see cref="QueueWaitExceeded"/> (default
    /// 5 seconds; <see cref="Timeout.InfiniteTimeSpan"/> turns it off). It keeps waiting.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (and not infinite).</exception>
    public TimeSpan TimeoutWarning
    {
        get => _timeoutWarning;
        set => SetThreshold(ref _timeoutWarning, value, nameof(TimeoutWarning));
    }

    /// <summary>
    /// A task waiting longer than this for a slot is reported again, as critical (default 10 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off). It keeps waiting.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (and not infinite).</exception>
    public TimeSpan TimeoutCritical
    {
        get => _timeoutCritical;
        set => SetThreshold(ref _timeoutCritical, value, nameof(TimeoutCritical));
    }

    /// <summary>How long an idle supervisor thread lives (tests shorten it).</summary>
    internal TimeSpan ThreadIdleTimeout
    {
        get => _pools.ThreadRunner.IdleTimeout;
        set => _pools.ThreadRunner.IdleTimeout = value;
    }

    /// <summary>Threads the supervisor owns now.</summary>
    internal int ThreadCount => _pools.ThreadRunner.ThreadCount;

    /// <summary>Threads the supervisor has created so far (tests and the benchmarks).</summary>
    internal int ThreadsCreated => _pools.ThreadRunner.ThreadsCreated;

    /// <summary>
    /// Sets the thread pool's limits, live: whatever now fits starts at once; running tasks are never interrupted.
    /// Default <c>(ProcessorCount × 5, 5, 5)</c>.
    /// </summary>
    /// <param name="poolSize">Slots for every priority; 0 for no limit.</param>
    /// <param name="reserveNormal">Extra slots for Normal and higher.</param>
    /// <param name="reserveHigh">Extra slots for High and higher.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetThreadPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _pools.SetLimits(TaskKind.Thread, poolSize, reserveNormal, reserveHigh);

    /// <summary>
    /// Keeps <paramref name="threads"/> threads for the thread pool: creates them now, and from then on an idle thread
    /// retires only while more are alive. By default (0) a thread is created on the spot when a task is admitted and
    /// none is free (a fraction of a millisecond each), and retires after 10 seconds without work. Keep threads for
    /// bursts of blocking bodies that must all start within a millisecond or two of their submission; a stream of short
    /// tasks needs none (a thread or two carry it).
    /// </summary>
    /// <param name="threads">Threads to keep, 0 to keep none; at most 32,767.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative or above 32,767.</exception>
    public void SetMinThreads(int threads)
    {
        if (threads is < 0 or > MaxKeptThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"Supervisor '{Id}': the threads to keep must be between 0 and {MaxKeptThreads}.");
        }

        _pools.ThreadRunner.KeepThreads(threads);
    }

    /// <summary>The threads <see cref="SetMinThreads"/> keeps (0 by default).</summary>
    public int MinThreads => _pools.ThreadRunner.MinThreads;

    /// <summary>
    /// Sets the async pool's limits, live: how many async bodies (on all of the supervisor's loops) may be running,
    /// that is started and not yet completed, by priority. Default: no limit.
    /// </summary>
    /// <inheritdoc cref="SetThreadPool" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetAsyncPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _pools.SetLimits(TaskKind.Async, poolSize, reserveNormal, reserveHigh);

    /// <summary>Sets the process pool's limits (busy worker processes), live. Default <c>(ProcessorCount)</c>.</summary>
    /// <inheritdoc cref="SetThreadPool" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetProcessPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _pools.SetLimits(TaskKind.Process, poolSize, reserveNormal, reserveHigh);

    /// <summary>
    /// How worker processes for <see cref="TaskKind.Process"/> tasks are started. By default the app's own executable
    /// (<see cref="ProcessWorkerCommand.ForCurrentApp"/>); set it before the first process task to use another app
    /// that references the same process tasks (<see cref="ProcessWorkerCommand.ForAssembly"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public ProcessWorkerCommand ProcessWorkerCommand
    {
        get => _pools.ProcessRunner.Command;
        set => _pools.ProcessRunner.Command = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Routes this supervisor's <see cref="TaskKind.Process"/> tasks to <paramref name="pool"/> instead of local
    /// worker processes (null: back to local ones), for the tasks dispatched from now on. The same annotated methods
    /// run either way. The process pool's limits then bound how many tasks are in flight on the remote pool; set
    /// them with <see cref="SetProcessPool"/> (0: no limit, the remote side queues).
    /// </summary>
    /// <returns>The pool that was installed before, if any.</returns>
    public IRemoteProcessPool? UseRemoteProcessPool(IRemoteProcessPool? pool)
    {
        var previous = _pools.ProcessRunner.Remote;
        _pools.ProcessRunner.Remote = pool;
        return previous;
    }

    /// <summary>The remote pool this supervisor's process tasks go to, or null for local worker processes.</summary>
    public IRemoteProcessPool? RemoteProcessPool => _pools.ProcessRunner.Remote;

    /// <summary>Worker processes alive now (tests and diagnostics).</summary>
    internal int ProcessWorkerCount => _pools.ProcessRunner.WorkerCount;

    /// <summary>How long a new worker process may take to connect (tests shorten it).</summary>
    internal TimeSpan ProcessWorkerStartTimeout
    {
        get => _pools.ProcessRunner.StartTimeout;
        set => _pools.ProcessRunner.StartTimeout = value;
    }

    /// <summary>The three pools alone (the metrics' gauges need nothing else).</summary>
    internal (PoolInfo Thread, PoolInfo Async, PoolInfo Process) GetPoolInfo() => _pools.GetInfo();

    private void SetThreshold(ref TimeSpan field, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} of supervisor '{Id}' must be positive, or Timeout.InfiniteTimeSpan to turn it off.");
        }

        field = value;
        ApplyQueueWaitThresholds();
    }

    private void ApplyQueueWaitThresholds()
    {
        long warning = Clock.ToUnits(_timeoutWarning);
        long critical = Clock.ToUnits(_timeoutCritical);
        _pools.SetQueueWaitThresholds(warning, critical);
    }
}
