using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atasker;

// Longer than ~400 lines: this part is the lifecycle (start, the stop's steps, dispose), whose steps hand over to each
// other across threads and read best in one place; the other jobs are in the TaskSupervisor.*.cs parts and
// SupervisorPools.

/// <summary>
/// Owns the pools, their threads and the tasks submitted to them. Generated <c>StartX</c> stubs submit to
/// <see cref="Default"/> unless <see cref="TaskOptions.Supervisor"/> says otherwise.
/// </summary>
/// <remarks>
/// <para>A supervisor starts by itself on its first submission. <see cref="Stop"/> stops accepting work, then either
/// runs what was accepted (<c>cancelTasks: false</c>) or cancels it (<c>cancelTasks: true</c>); either way every handle
/// ends. After a stop, submitting throws <see cref="InvalidOperationException"/> until <see cref="Start"/> is called.</para>
/// <para>Every public member is thread-safe.</para>
/// </remarks>
public sealed partial class TaskSupervisor : IDisposable, IAsyncDisposable, IQueueWaitObserver
{
    /// <summary>The longest delay a task may have (the limit of the timers behind delays, about 49 days).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>How long a process task may ignore cancellation during Stop(cancelTasks: true) before its worker is
    /// killed.</summary>
    private static readonly TimeSpan ProcessCancelGrace = TimeSpan.FromSeconds(3);

    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Stopping = 2;
    private const int Stopped = 3;

    /// <summary>The loop async tasks run on when they name none (and no other loop was made the default).</summary>
    private const string DefaultLoopName = "default";

    private static int s_lastSupervisorNumber;

    private readonly SupervisorPools _pools;
    private readonly TaskRegistry _registry = new();
    private readonly Gate _lifecycleGate = new();

    // The lifecycle: NotStarted -> Running -> Stopping -> Stopped -> Running (Start) ... Written under
    // _lifecycleGate, read without it. A stop also closes the registry, which refuses a submission that raced past
    // the phase check, and tells when every accepted task has ended.
    private int _phase;
    private volatile bool _disposed;
    private DoneSignal _stopped = new();

    // The loops, in creation order, and the name of the one chosen as default; guarded by _lifecycleGate.
    private readonly List<AsyncLoop> _loops = [];
    private string? _defaultLoop;

    // The workers started on this supervisor and not stopped yet; guarded by _lifecycleGate.
    private readonly List<ISupervisedWorker> _workers = [];

    private ILoggerFactory? _loggerFactory;
    private TimeSpan _timeoutWarning = TimeSpan.FromSeconds(5);
    private TimeSpan _timeoutCritical = TimeSpan.FromSeconds(10);

    /// <summary>Creates a supervisor on Atasker's own clock. It starts by itself on its first submission.</summary>
    /// <param name="id">A name for diagnostics; a unique one is made up when null.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or white space.</exception>
    public TaskSupervisor(string? id = null)
        : this(id, SupervisorClock.Own)
    {
    }

    /// <summary>
    /// Creates a supervisor whose delays, worker intervals, queue-wait thresholds and stop grace periods follow
    /// <paramref name="timeProvider"/> (a fake one lets tests move time by hand), and whose handles' times read it.
    /// </summary>
    /// <param name="id">A name for diagnostics; a unique one is made up when null.</param>
    /// <param name="timeProvider">The time to follow. Its timers fire on its own terms: <see cref="TimeProvider.System"/>'s
    /// on the .NET ThreadPool, so pass it only if that is wanted; without one, Atasker's own clock thread fires them.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public TaskSupervisor(string? id, TimeProvider timeProvider)
        : this(id, SupervisorClock.For(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider))))
    {
    }

    private TaskSupervisor(string? id, SupervisorClock clock)
    {
        if (id is not null && string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A supervisor id must not be empty or white space; pass null for a generated one.", nameof(id));
        }

        Id = id ?? $"supervisor-{Interlocked.Increment(ref s_lastSupervisorNumber)}";
        Clock = clock;
        _pools = new SupervisorPools(this, clock);
        ApplyQueueWaitThresholds();
        AtaskerTelemetry.Track(this);
    }

    /// <summary>The process-wide supervisor the generated stubs use by default (id "default").</summary>
    public static TaskSupervisor Default { get; } = new("default");

    /// <summary>The supervisor's name in diagnostics.</summary>
    public string Id { get; }

    /// <summary>True while running: started and not stopping or stopped.</summary>
    public bool IsActive => Volatile.Read(ref _phase) == Running;

    /// <summary>The <see cref="System.TimeProvider"/> the supervisor was created with, or null when it runs on
    /// Atasker's own clock.</summary>
    public TimeProvider? TimeProvider => Clock.Provider;

    /// <summary>The time the supervisor's tasks, pools, loops and workers run on.</summary>
    internal SupervisorClock Clock { get; }

    /// <summary>
    /// Where the supervisor logs (category "Atasker"): its start and stop, queue waits past the thresholds, failed tasks
    /// nobody waited for, worker failures, lost worker processes. Null (the default): no logging. The host integration
    /// sets it from the host's logging.
    /// </summary>
    public ILoggerFactory? LoggerFactory
    {
        get => _loggerFactory;
        set
        {
            _loggerFactory = value;
            Logger = value?.CreateLogger(AtaskerTelemetry.Name) ?? NullLogger.Instance;
            _pools.ProcessRunner.Logger = Logger;
        }
    }

    /// <summary>The logger of <see cref="LoggerFactory"/> (a no-op one without).</summary>
    internal ILogger Logger { get; private set; } = NullLogger.Instance;

    /// <summary>
    /// Raised when a task has waited for a slot longer than <see cref="TimeoutWarning"/> and again past
    /// <see cref="TimeoutCritical"/>: once per task and level, from a timer or from the thread that starts the task.
    /// An exception thrown by a handler is ignored.
    /// </summary>
    public event EventHandler<QueueWaitEventArgs>? QueueWaitExceeded;

    /// <summary>
    /// Raised when a stop that cancels tasks has waited <c>3 s</c> for an async loop whose thread is still inside one
    /// callback: an async body that blocks its loop (a synchronous wait) instead of awaiting. Every handle of the loop
    /// has ended by then (as canceled) and its slots are free; the loop's thread is left to finish that callback on its
    /// own, and <see cref="Start"/> gives the loop a new thread. Also logged. An exception thrown by a handler is ignored.
    /// </summary>
    public event EventHandler<LoopBlockedEventArgs>? LoopBlocked;

    /// <summary>Starts the supervisor (also happens on the first submission). Starting a running one does nothing;
    /// starting a stopped one makes it accept work again.</summary>
    /// <exception cref="InvalidOperationException">A stop is still in progress.</exception>
    /// <exception cref="ObjectDisposedException">The supervisor was disposed.</exception>
    public void Start()
    {
        lock (_lifecycleGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            switch (_phase)
            {
                case Running:
                    return;
                case Stopping:
                    throw new InvalidOperationException(
                        $"Task supervisor '{Id}' is still stopping; call Start() once Stop has finished (await StopAsync()).");
                case Stopped:
                    _stopped = new DoneSignal();
                    _registry.Open();
                    _pools.ThreadRunner.Restart();
                    foreach (var loop in _loops)
                    {
                        loop.Restart();
                    }

                    break;
            }

            Volatile.Write(ref _phase, Running);
            Log.SupervisorStarted(Logger, Id);
        }
    }

    /// <summary>
    /// Stops accepting work. With <paramref name="cancelTasks"/> false, everything accepted still runs (delayed tasks
    /// after their delay); with true, queued and delayed tasks are canceled and running ones have their token
    /// signalled (async bodies that ignore it for 3 seconds are abandoned: their handles end Canceled). Then the
    /// supervisor's threads are let go and its loops stopped; <see cref="Start"/> runs them again. Idempotent; a later call may add
    /// <paramref name="cancelTasks"/> to a stop in progress.
    /// </summary>
    /// <param name="wait">Whether to block until the stop has finished; when false, it finishes in the background.</param>
    /// <param name="cancelTasks">Whether to cancel what has not finished instead of running it.</param>
    /// <exception cref="InvalidOperationException"><paramref name="wait"/> is true and the caller is one of this
    /// supervisor's tasks, which the stop would wait for.</exception>
    public void Stop(bool wait = true, bool cancelTasks = false)
    {
        if (wait)
        {
            ThrowIfCalledFromOwnTask(nameof(Stop));
        }

        var stopped = BeginStop(cancelTasks);
        if (wait)
        {
            stopped.Wait();
        }
    }

    /// <summary>Stops like <see cref="Stop"/>; the returned task ends when the stop has finished (at once when
    /// <paramref name="wait"/> is false).</summary>
    /// <param name="wait">Whether the returned task waits for the stop to finish.</param>
    /// <param name="cancelTasks">Whether to cancel what has not finished instead of running it.</param>
    /// <remarks>The stop itself finishes on Atasker's threads, whatever the .NET ThreadPool is doing; the code after an
    /// <c>await</c> of the returned task runs where the awaiter's context says (the ThreadPool without one).</remarks>
    /// <exception cref="InvalidOperationException"><paramref name="wait"/> is true and the caller is one of this
    /// supervisor's tasks, which the returned task would wait for (awaiting it there would never end).</exception>
    public Task StopAsync(bool wait = true, bool cancelTasks = false)
    {
        if (wait)
        {
            ThrowIfCalledFromOwnTask(nameof(StopAsync));
        }

        var stopped = BeginStop(cancelTasks);
        return wait ? stopped.Task : Task.CompletedTask;
    }

    /// <summary>Blocks the caller until a stop has finished (returns at once if the supervisor is stopped).</summary>
    /// <exception cref="InvalidOperationException">The caller is one of this supervisor's tasks.</exception>
    public void Block()
    {
        DoneSignal stopped;
        lock (_lifecycleGate)
        {
            if (_phase == Stopped)
            {
                return;
            }

            stopped = _stopped;
        }

        ThrowIfCalledFromOwnTask(nameof(Block));
        stopped.Wait();
    }

    /// <summary>Finds an unfinished task by id; null once it has finished (finished tasks are forgotten).</summary>
    public TaskHandle? GetTask(long id) => _registry.Find(id);

    /// <summary>The unfinished tasks (delayed, queued and running), in no particular order: a snapshot for
    /// diagnostics and dashboards (it takes each of the registry's 32 stripe locks in turn, briefly).</summary>
    public IReadOnlyList<TaskHandle> GetTasks() => _registry.Snapshot();

    /// <summary>The workers started on the supervisor and not stopped, in the order they started.</summary>
    public IReadOnlyList<BackgroundWorker> GetWorkers()
    {
        lock (_lifecycleGate)
        {
            return _workers.ConvertAll(worker => (BackgroundWorker)worker);
        }
    }

    /// <summary>The worker processes of the process pool (none while its tasks go to a remote pool instead), and how
    /// many were started and lost: a snapshot for diagnostics and dashboards.</summary>
    public ProcessWorkersInfo GetProcessWorkers() => _pools.ProcessRunner.Snapshot();

    /// <summary>A snapshot of the supervisor and its pools.</summary>
    public SupervisorInfo GetInfo()
    {
        string[] loops;
        ISupervisedWorker[] workers;
        lock (_lifecycleGate)
        {
            loops = _loops.ConvertAll(loop => loop.Name).ToArray();
            workers = [.. _workers];
        }

        var (thread, async, process) = GetPoolInfo();
        return new SupervisorInfo(Id, IsActive, thread, async, process, loops)
        {
            Workers = Array.ConvertAll(workers, worker => worker.GetInfo()),
        };
    }

    /// <summary>Stops (running what was accepted) and waits for the stop to finish. The supervisor cannot be
    /// started again.</summary>
    public void Dispose()
    {
        Stop(wait: true);
        MarkDisposed();
    }

    /// <summary>Stops (running what was accepted) and waits for the stop to finish. The supervisor cannot be
    /// started again.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(wait: true).ConfigureAwait(false);
        MarkDisposed();
    }

    /// <inheritdoc />
    public override string ToString() => $"TaskSupervisor '{Id}'";

    void IQueueWaitObserver.OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool)
    {
        if (level == QueueWaitLevel.Critical)
        {
            Log.QueueWaitCritical(Logger, task.Name ?? "task", task.Id, waited, pool, Id);
        }
        else
        {
            Log.QueueWaitWarning(Logger, task.Name ?? "task", task.Id, waited, pool, Id);
        }

        if (QueueWaitExceeded is { } handlers)
        {
            EventRaiser.Raise(handlers, this, new QueueWaitEventArgs(task, waited, level, pool));
        }
    }

    /// <summary>Registers a starting worker, so that a stop stops it; starts a supervisor that never started.</summary>
    internal void AddWorker(ISupervisedWorker worker)
    {
        lock (_lifecycleGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!StartOnFirstUse())
            {
                throw StoppedError($"worker '{worker.Name}' was not started");
            }

            _workers.Add(worker);
        }
    }

    /// <summary>Forgets a worker that has stopped.</summary>
    internal void RemoveWorker(ISupervisedWorker worker)
    {
        lock (_lifecycleGate)
        {
            _workers.Remove(worker);
        }
    }

    private InvalidOperationException StoppedError(string what) => _disposed
        ? new ObjectDisposedException(ToString(), $"Task supervisor '{Id}' was disposed; {what}. A disposed supervisor cannot be started again: create a new one.")
        : new InvalidOperationException(
            $"Task supervisor '{Id}' is {(Volatile.Read(ref _phase) == Stopping ? "stopping" : "stopped")}; {what}. Call Start() to use it again.");

    private bool TryStartOnFirstSubmission()
    {
        lock (_lifecycleGate)
        {
            return StartOnFirstUse();
        }
    }

    /// <summary>Starts a supervisor that never started (not a stopped one); true when it is running. Called under
    /// _lifecycleGate.</summary>
    private bool StartOnFirstUse()
    {
        if (_phase == NotStarted && !_disposed)
        {
            Volatile.Write(ref _phase, Running);
            Log.SupervisorStarted(Logger, Id);
        }

        return _phase == Running;
    }

    /// <summary>
    /// Begins a stop, or joins the one in progress. Its steps follow each other as each is done, on the thread that
    /// finishes it (the last worker's execution, the last task, a loop's own thread, or the caller when nothing is
    /// left): workers stop (queue workers drain through the still-open pools), the registry closes and drains, the
    /// loops stop, the threads and worker processes are let go. Nothing waits for a .NET ThreadPool thread.
    /// </summary>
    private DoneSignal BeginStop(bool cancelTasks)
    {
        DoneSignal stopped;
        bool began = false;
        ISupervisedWorker[] workers;
        lock (_lifecycleGate)
        {
            switch (_phase)
            {
                case NotStarted:
                case Stopped:
                    Volatile.Write(ref _phase, Stopped);
                    _stopped.Set();
                    return _stopped;
                case Running:
                    Volatile.Write(ref _phase, Stopping);
                    began = true;
                    break;
            }

            stopped = _stopped;
            workers = [.. _workers];
        }

        // Workers stop first: a queue worker drains its items through this supervisor's pools, which are still open to
        // its executions (and to nothing else).
        var workersStopped = new DoneSignal[workers.Length];
        for (int i = 0; i < workers.Length; i++)
        {
            workersStopped[i] = workers[i].BeginStop(drain: !cancelTasks);
        }

        if (cancelTasks)
        {
            CancelAll();
            foreach (var loop in LoopsSnapshot())
            {
                _ = loop.BeginStop(cancelTasks: true);
            }

            // A thread body that ignores its token can only be waited for; a process body can be ended.
            _pools.ProcessRunner.KillBusyAfter(ProcessCancelGrace);
        }

        if (began)
        {
            DoneSignal.WhenAll(workersStopped, () => _registry.Close().OnDone(StopLoops));
        }

        return stopped;
    }

    /// <summary>Every accepted task has ended: the loops stop, then the rest.</summary>
    private void StopLoops() =>
        DoneSignal.WhenAll(Array.ConvertAll(LoopsSnapshot(), loop => loop.BeginStop(cancelTasks: false)), FinishStop);

    private void FinishStop()
    {
        _pools.Shutdown();
        DoneSignal stopped;
        lock (_lifecycleGate)
        {
            Volatile.Write(ref _phase, Stopped);
            stopped = _stopped;
        }

        Log.SupervisorStopped(Logger, Id);
        stopped.Set();
    }

    private void CancelAll() => TaskHandle.CancelAll(_registry.Snapshot());

    private void MarkDisposed()
    {
        lock (_lifecycleGate)
        {
            _disposed = true;
        }

        _pools.Dispose();
    }

    private void ThrowIfCalledFromOwnTask(string operation)
    {
        if ((ThreadRunner.CurrentSupervisor == this || AsyncLoop.Current?.Supervisor == this) && Volatile.Read(ref _phase) is Running or Stopping)
        {
            throw new InvalidOperationException(
                $"{operation}() was called from a task of supervisor '{Id}' and would wait for that task itself. Call Stop(wait: false) or StopAsync(wait: false) there: the stop then finishes once that task has ended.");
        }
    }

}
