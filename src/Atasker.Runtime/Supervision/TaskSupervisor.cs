using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atasker;

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
public sealed class TaskSupervisor : IDisposable, IAsyncDisposable, IQueueWaitObserver
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

    private static long s_lastTaskId;
    private static int s_lastSupervisorNumber;

    private readonly ThreadRunner _threadRunner;
    private readonly PriorityAdmission _threadPool;
    private readonly PriorityAdmission _asyncPool;
    private readonly ProcessRunner _processRunner;
    private readonly PriorityAdmission _processPool;
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
    private readonly List<BackgroundWorker> _workers = [];

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
        _threadRunner = new ThreadRunner(this, clock);
        _threadPool = new PriorityAdmission(
            "thread",
            new PoolLimits(Environment.ProcessorCount * 5, 5, 5),
            _threadRunner,
            this,
            clock);
        _threadRunner.Serve(_threadPool);
        _asyncPool = new PriorityAdmission("async", new PoolLimits(0), LoopRunner.Instance, this, clock);
        _processRunner = new ProcessRunner(clock);
        _processPool = new PriorityAdmission("process", new PoolLimits(Environment.ProcessorCount), _processRunner, this, clock);
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
            _processRunner.Logger = Logger;
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

    /// <summary>How long an idle supervisor thread lives (tests shorten it).</summary>
    internal TimeSpan ThreadIdleTimeout
    {
        get => _threadRunner.IdleTimeout;
        set => _threadRunner.IdleTimeout = value;
    }

    /// <summary>Threads the supervisor owns now.</summary>
    internal int ThreadCount => _threadRunner.ThreadCount;

    /// <summary>Threads the supervisor has created so far (tests and the benchmarks).</summary>
    internal int ThreadsCreated => _threadRunner.ThreadsCreated;

    /// <summary>
    /// Sets the thread pool's limits, live: whatever now fits starts at once; running tasks are never interrupted.
    /// Default <c>(ProcessorCount × 5, 5, 5)</c>.
    /// </summary>
    /// <param name="poolSize">Slots for every priority; 0 for no limit.</param>
    /// <param name="reserveNormal">Extra slots for Normal and higher.</param>
    /// <param name="reserveHigh">Extra slots for High and higher.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetThreadPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _threadPool.SetLimits(ValidLimits("thread", poolSize, reserveNormal, reserveHigh));

    /// <summary>
    /// Sets the async pool's limits, live: how many async bodies (on all of the supervisor's loops) may be running,
    /// that is started and not yet completed, by priority. Default: no limit.
    /// </summary>
    /// <inheritdoc cref="SetThreadPool" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetAsyncPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _asyncPool.SetLimits(ValidLimits("async", poolSize, reserveNormal, reserveHigh));

    /// <summary>Sets the process pool's limits (busy worker processes), live. Default <c>(ProcessorCount)</c>.</summary>
    /// <inheritdoc cref="SetThreadPool" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public void SetProcessPool(int poolSize, int reserveNormal = 0, int reserveHigh = 0) =>
        _processPool.SetLimits(ValidLimits("process", poolSize, reserveNormal, reserveHigh));

    /// <summary>
    /// How worker processes for <see cref="TaskKind.Process"/> tasks are started. By default the app's own executable
    /// (<see cref="ProcessWorkerCommand.ForCurrentApp"/>); set it before the first process task to use another app
    /// that references the same process tasks (<see cref="ProcessWorkerCommand.ForAssembly"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public ProcessWorkerCommand ProcessWorkerCommand
    {
        get => _processRunner.Command;
        set => _processRunner.Command = value ?? throw new ArgumentNullException(nameof(value));
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
        var previous = _processRunner.Remote;
        _processRunner.Remote = pool;
        return previous;
    }

    /// <summary>The remote pool this supervisor's process tasks go to, or null for local worker processes.</summary>
    public IRemoteProcessPool? RemoteProcessPool => _processRunner.Remote;

    /// <summary>Worker processes alive now (tests and diagnostics).</summary>
    internal int ProcessWorkerCount => _processRunner.WorkerCount;

    /// <summary>How long a new worker process may take to connect (tests shorten it).</summary>
    internal TimeSpan ProcessWorkerStartTimeout
    {
        get => _processRunner.StartTimeout;
        set => _processRunner.StartTimeout = value;
    }

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
                    _threadRunner.Restart();
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

    /// <summary>A snapshot of the supervisor and its pools.</summary>
    public SupervisorInfo GetInfo()
    {
        string[] loops;
        BackgroundWorker[] workers;
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

    /// <summary>The three pools alone (the metrics' gauges need nothing else).</summary>
    internal (PoolInfo Thread, PoolInfo Async, PoolInfo Process) GetPoolInfo() =>
        (_threadPool.GetInfo(), _asyncPool.GetInfo(), _processPool.GetInfo());

    /// <summary>
    /// Creates an async loop: a dedicated thread for async tasks (<see cref="TaskOptions.Loop"/>,
    /// <see cref="BackgroundTaskAttribute.Loop"/>) and <see cref="AsyncLoop.Run{T}(Func{Task{T}})"/>. Starts the
    /// supervisor if it has not started.
    /// </summary>
    /// <param name="name">The loop's name, unique within the supervisor.</param>
    /// <param name="isDefault">Whether async tasks that name no loop run on this one (instead of the loop named
    /// "default").</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space, or the supervisor already has
    /// a loop of that name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The supervisor is stopping or stopped.</exception>
    public AsyncLoop CreateLoop(string name, bool isDefault = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_lifecycleGate)
        {
            if (FindLoop(name) is not null)
            {
                throw new ArgumentException($"Task supervisor '{Id}' already has an async loop named '{name}'; use GetLoop(\"{name}\").", nameof(name));
            }

            var loop = AddLoop(name, $"async loop '{name}'");
            if (isDefault)
            {
                _defaultLoop = name;
            }

            return loop;
        }
    }

    /// <summary>
    /// Gets an async loop by name; null gets the default loop (the one created with <c>isDefault: true</c>, else the
    /// loop named "default", created on demand).
    /// </summary>
    /// <param name="name">The loop's name, or null for the default loop.</param>
    /// <exception cref="ArgumentException">There is no loop named <paramref name="name"/> (only the default loop is
    /// created on demand; make others with <see cref="CreateLoop"/>).</exception>
    /// <exception cref="InvalidOperationException">The default loop must be created and the supervisor is stopping or
    /// stopped.</exception>
    public AsyncLoop GetLoop(string? name = null) => LoopFor(name, "GetLoop");

    /// <summary>Runs <paramref name="body"/> as an async task on an async loop (<see cref="TaskOptions.Loop"/>, or the
    /// default loop); its slot in the async pool is held until the returned task completes.</summary>
    /// <param name="body">The work; it receives the task's cancellation token.</param>
    /// <param name="options">Priority, delay, loop, cancellation; <see cref="TaskOptions.Supervisor"/> must be null or this.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names another supervisor, or a loop this supervisor
    /// does not have.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority or the delay in <paramref name="options"/> is invalid.</exception>
    /// <exception cref="InvalidOperationException">The supervisor, or the loop, is stopping or stopped.</exception>
    /// <remarks>A body that returns a null task faults its handle with <see cref="InvalidOperationException"/>.</remarks>
    public TaskHandle<T> SubmitAsync<T>(Func<CancellationToken, Task<T>> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, cancellationToken) => body(cancellationToken)), options, observesCancellation: true, TaskKind.Async);
    }

    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle SubmitAsync(Func<CancellationToken, Task> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, cancellationToken) => body(cancellationToken)), options, observesCancellation: true, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, as an async task on an async loop.</summary>
    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle<T> SubmitAsync<T>(Func<Task<T>> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, _) => body()), options, observesCancellation: false, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, as an async task on an async loop.</summary>
    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle SubmitAsync(Func<Task> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, _) => body()), options, observesCancellation: false, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/> on one of the supervisor's threads.</summary>
    /// <param name="body">The work; it receives the task's cancellation token.</param>
    /// <param name="options">Priority, delay, cancellation; <see cref="TaskOptions.Supervisor"/> must be null or this.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names another supervisor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority or the delay in <paramref name="options"/> is invalid.</exception>
    /// <exception cref="InvalidOperationException">The supervisor is stopped.</exception>
    public TaskHandle<T> Submit<T>(Func<CancellationToken, T> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new FuncTask<Func<CancellationToken, T>, T>(body, static (body, cancellationToken) => body(cancellationToken));
        return SubmitOwn(task, options, observesCancellation: true);
    }

    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle Submit(Action<CancellationToken> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new ActionTask<Action<CancellationToken>>(body, static (body, cancellationToken) => body(cancellationToken));
        return SubmitOwn(task, options, observesCancellation: true);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, on one of the supervisor's threads.</summary>
    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle<T> Submit<T>(Func<T> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new FuncTask<Func<T>, T>(body, static (body, _) => body());
        return SubmitOwn(task, options, observesCancellation: false);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, on one of the supervisor's threads.</summary>
    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle Submit(Action body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new ActionTask<Action>(body, static (body, _) => body());
        return SubmitOwn(task, options, observesCancellation: false);
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

    /// <summary>Accepts a task built by a stub or a Submit overload: validates the options, registers the task and
    /// hands it to its pool (or to its delay).</summary>
    internal void SubmitCore(TaskHandle task, in TaskMethodInfo method, TaskOptions? options, bool fromWorker = false)
    {
        var name = options?.Name ?? method.Name;
        var priority = options?.Priority ?? method.Priority;
        if ((uint)priority > (uint)TaskPriority.Critical)
        {
            throw new ArgumentOutOfRangeException(nameof(options), priority, $"Task '{name}': {priority} is not a TaskPriority.");
        }

        var delay = options?.Delay ?? method.Delay;
        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(options), delay, $"Task '{name}': the delay must be between 0 and {MaxDelay}.");
        }

        bool delayed = delay > TimeSpan.Zero;
        var pool = method.Kind switch
        {
            TaskKind.Async => _asyncPool,
            TaskKind.Process => _processPool,
            _ => _threadPool,
        };
        task.Initialize(this, pool, Interlocked.Increment(ref s_lastTaskId), name, priority, method.Kind, method.ObservesCancellation, delayed);
        AsyncLoop? loop = null;
        if (method.Kind == TaskKind.Async)
        {
            loop = LoopFor(options?.Loop ?? method.Loop, $"task '{name}'");
            ((IAsyncTask)task).Loop = loop;
            if (!loop.TryAccept(task))
            {
                throw new InvalidOperationException($"{loop} is stopping or stopped; task '{name}' was not submitted.");
            }
        }

        int phase = Volatile.Read(ref _phase);
        // A stop lets the workers it stops run what they drain; the registry closes once they have stopped.
        bool accepted = phase == Running || (phase == NotStarted && TryStartOnFirstSubmission()) || (fromWorker && phase == Stopping);
        if (!accepted || !_registry.TryAdd(task))
        {
            loop?.Forget(task);
            throw StoppedError($"task '{name}' was not submitted");
        }

        task.CaptureTraceParent();
        AtaskerTelemetry.OnSubmitted(task);
        var cancellation = options?.CancellationToken ?? default;
        if (cancellation.CanBeCanceled)
        {
            task.LinkCancellation(cancellation);
        }

        if (delayed)
        {
            task.StartDelay(delay);
        }
        else
        {
            pool.Enqueue(task);
        }
    }

    /// <summary>A stop gave up on a loop whose thread is stuck in a callback: logged and raised.</summary>
    internal void OnLoopBlocked(AsyncLoop loop, int abandoned, TimeSpan grace)
    {
        Log.LoopBlocked(Logger, loop.Name, Id, grace, abandoned);
        if (LoopBlocked is { } handlers)
        {
            EventRaiser.Raise(handlers, this, new LoopBlockedEventArgs(loop, abandoned, grace));
        }
    }

    /// <summary>Submits one execution of a worker (allowed while a stop drains the workers).</summary>
    internal void SubmitWorkerRun(TaskHandle run, in TaskMethodInfo method) => SubmitCore(run, method, null, fromWorker: true);

    /// <summary>Registers a starting worker, so that a stop stops it; starts a supervisor that never started.</summary>
    internal void AddWorker(BackgroundWorker worker)
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
    internal void RemoveWorker(BackgroundWorker worker)
    {
        lock (_lifecycleGate)
        {
            _workers.Remove(worker);
        }
    }

    /// <summary>Forgets a task that has ended; the last one to end during a stop lets the stop finish.</summary>
    internal void OnTaskFinished(TaskHandle task) => _registry.Remove(task);

    private TaskHandle<T> SubmitOwn<T>(TaskHandle<T> task, TaskOptions? options, bool observesCancellation, TaskKind kind = TaskKind.Thread)
    {
        _ = SubmitOwn((TaskHandle)task, options, observesCancellation, kind);
        return task;
    }

    private TaskHandle SubmitOwn(TaskHandle task, TaskOptions? options, bool observesCancellation, TaskKind kind = TaskKind.Thread)
    {
        if (options?.Supervisor is { } other && other != this)
        {
            throw new ArgumentException(
                $"The options name supervisor '{other.Id}' but the task was submitted to '{Id}'; leave TaskOptions.Supervisor null here.",
                nameof(options));
        }

        SubmitCore(task, new TaskMethodInfo(options?.Name ?? "task", observesCancellation: observesCancellation, kind: kind), options);
        return task;
    }

    /// <summary>Forgets a loop stopped on its own: its name may be used again.</summary>
    internal void ForgetLoop(AsyncLoop loop)
    {
        lock (_lifecycleGate)
        {
            _loops.Remove(loop);
            if (_defaultLoop == loop.Name)
            {
                _defaultLoop = null;
            }
        }
    }

    private InvalidOperationException StoppedError(string what) => _disposed
        ? new ObjectDisposedException(ToString(), $"Task supervisor '{Id}' was disposed; {what}. A disposed supervisor cannot be started again: create a new one.")
        : new InvalidOperationException(
            $"Task supervisor '{Id}' is {(Volatile.Read(ref _phase) == Stopping ? "stopping" : "stopped")}; {what}. Call Start() to use it again.");

    /// <summary>The loop named <paramref name="name"/> (null: the default one, created on demand).</summary>
    internal AsyncLoop LoopFor(string? name, string requester)
    {
        lock (_lifecycleGate)
        {
            name ??= _defaultLoop ?? DefaultLoopName;
            if (FindLoop(name) is { } loop)
            {
                return loop;
            }

            if (name != DefaultLoopName)
            {
                throw new ArgumentException(
                    $"Task supervisor '{Id}' has no async loop named '{name}' (asked for by {requester}); create it first with CreateLoop(\"{name}\").",
                    nameof(name));
            }

            return AddLoop(name, $"the default async loop for {requester}");
        }
    }

    /// <summary>Creates a loop; called under _lifecycleGate.</summary>
    private AsyncLoop AddLoop(string name, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!StartOnFirstUse())
        {
            throw StoppedError($"{what} was not created");
        }

        var loop = new AsyncLoop(this, name);
        _loops.Add(loop);
        return loop;
    }

    private AsyncLoop? FindLoop(string name) => _loops.Find(loop => loop.Name == name);

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
        BackgroundWorker[] workers;
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
            _processRunner.KillBusyAfter(ProcessCancelGrace);
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
        _threadRunner.Shutdown();
        _processRunner.Shutdown();
        DoneSignal stopped;
        lock (_lifecycleGate)
        {
            Volatile.Write(ref _phase, Stopped);
            stopped = _stopped;
        }

        Log.SupervisorStopped(Logger, Id);
        stopped.Set();
    }

    private AsyncLoop[] LoopsSnapshot()
    {
        lock (_lifecycleGate)
        {
            return [.. _loops];
        }
    }

    private void CancelAll() => TaskHandle.CancelAll(_registry.Snapshot());

    private void MarkDisposed()
    {
        lock (_lifecycleGate)
        {
            _disposed = true;
        }

        _threadPool.Dispose();
        _asyncPool.Dispose();
        _processPool.Dispose();
    }

    private void ThrowIfCalledFromOwnTask(string operation)
    {
        if ((ThreadRunner.CurrentSupervisor == this || AsyncLoop.Current?.Supervisor == this) && Volatile.Read(ref _phase) is Running or Stopping)
        {
            throw new InvalidOperationException(
                $"{operation}() was called from a task of supervisor '{Id}' and would wait for that task itself. Call Stop(wait: false) or StopAsync(wait: false) there: the stop then finishes once that task has ended.");
        }
    }

    private PoolLimits ValidLimits(string pool, int poolSize, int reserveNormal, int reserveHigh)
    {
        if (poolSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, $"The {pool} pool size of supervisor '{Id}' must be 0 (no limit) or more.");
        }

        if (reserveNormal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reserveNormal), reserveNormal, $"The {pool} pool's normal reserve of supervisor '{Id}' must be 0 or more.");
        }

        if (reserveHigh < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reserveHigh), reserveHigh, $"The {pool} pool's high reserve of supervisor '{Id}' must be 0 or more.");
        }

        return new PoolLimits(poolSize, reserveNormal, reserveHigh);
    }

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
        _threadPool.SetQueueWaitThresholds(warning, critical);
        _asyncPool.SetQueueWaitThresholds(warning, critical);
        _processPool.SetQueueWaitThresholds(warning, critical);
    }
}
