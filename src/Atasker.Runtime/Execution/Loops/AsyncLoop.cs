using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

// Longer than ~400 lines: one thread's message loop, its synchronization context, the tasks it holds and its stop
// share the same queue and phase; split, each part would need the others' private state.

/// <summary>
/// One dedicated thread running async work: every continuation of a body started on the loop runs on that thread
/// (unless the body opts out with <c>ConfigureAwait(false)</c>), one at a time, like an asyncio event loop. Async
/// tasks (<see cref="TaskKind.Async"/>) run on a loop; <see cref="Run{T}(Func{Task{T}})"/> runs a body on it and
/// blocks until it ends.
/// </summary>
/// <remarks>
/// <para>Loops belong to a <see cref="TaskSupervisor"/>: made by <see cref="TaskSupervisor.CreateLoop"/> or
/// <see cref="TaskSupervisor.GetLoop"/>, stopped with it (and started again by its <see cref="TaskSupervisor.Start"/>),
/// or stopped alone with <see cref="Stop"/>.</para>
/// <para>An exception escaping a callback posted to the loop by user code (an <c>async void</c> method) is rethrown
/// on the .NET thread pool, as it would be without a loop; task bodies never do that (their failures fault their
/// handles).</para>
/// </remarks>
public sealed class AsyncLoop
{
    /// <summary>How long a stop that cancels tasks waits for bodies that ignore their token before abandoning them.</summary>
    internal static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(3);

    [ThreadStatic]
    private static AsyncLoop? t_current;

    private readonly object _gate = new();
    private readonly LoopSynchronizationContext _context;

    // Everything below is guarded by _gate. The loop's thread ends when the loop is stopping and has nothing left:
    // no callback queued, no task accepted for it unfinished, no Run body pending.
    private Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly HashSet<TaskHandle> _tasks = [];
    private readonly HashSet<LoopRun> _runs = [];
    private LoopPhase _phase;
    private Thread? _thread;
    private bool _threadWaiting;
    private Thread? _inCallback; // the loop's thread while inside a callback (read without the lock by a stop that gives up on it)
    private bool _cancelRequested;
    private ClockTimer? _abandonTimer;
    private DoneSignal _stopped = new();

    internal AsyncLoop(TaskSupervisor supervisor, string name)
    {
        Supervisor = supervisor;
        Name = name;
        _context = new LoopSynchronizationContext(this);
        StartThread();
    }

    private enum LoopPhase
    {
        Running,
        Stopping,
        Stopped,
    }

    /// <summary>The loop's name, unique within its supervisor.</summary>
    public string Name { get; }

    /// <summary>The supervisor the loop belongs to.</summary>
    public TaskSupervisor Supervisor { get; }

    /// <summary>True while the loop accepts work (not stopping or stopped).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _phase == LoopPhase.Running;
            }
        }
    }

    /// <summary>The async tasks bound to the loop that have not ended (waiting for a slot or running): a snapshot for
    /// diagnostics and dashboards.</summary>
    public int TaskCount
    {
        get
        {
            lock (_gate)
            {
                return _tasks.Count;
            }
        }
    }

    /// <summary>The loop whose thread the caller is on, or null.</summary>
    internal static AsyncLoop? Current => t_current;

    internal bool IsLoopThread => t_current == this;

    /// <summary>
    /// Runs <paramref name="body"/> on the loop and blocks until the task it returns ends; returns its result or
    /// rethrows its failure (the original exception, not wrapped).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called on the loop's own thread (it would wait for itself: await
    /// the body there instead), or the loop is stopping or stopped, or <paramref name="body"/> returned null.</exception>
    /// <exception cref="OperationCanceledException">The body was canceled, or abandoned by a stop that cancels tasks.</exception>
    public T Run<T>(Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var run = new LoopRun<T>(this, body);
        Enqueue(run);
        return run.Completion.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Run{T}(Func{Task{T}})"/>
    public void Run(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var run = new LoopRun<bool>(this, async () =>
        {
            await (body() ?? throw NullTask()).ConfigureAwait(false);
            return true;
        });
        Enqueue(run);
        run.Completion.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits for <paramref name="delay"/> on Atasker's clock instead of the runtime's timer: on a loop, the code after
    /// <c>await AsyncLoop.Delay(...)</c> resumes on the loop without needing a .NET ThreadPool thread, so an async worker
    /// keeps time in an app whose ThreadPool is starved (<see cref="Task.Delay(TimeSpan, CancellationToken)"/> completes
    /// on the ThreadPool). The clock is that of the supervisor whose loop or thread the caller is on (a supervisor
    /// given a <see cref="TimeProvider"/> follows it), else Atasker's own.
    /// </summary>
    /// <param name="delay">How long to wait: zero or more, at most <see cref="TaskSupervisor.MaxDelay"/>.</param>
    /// <param name="cancellationToken">Ends the wait early; the task is then canceled.</param>
    /// <returns>A task that completes once the delay has passed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or too long.</exception>
    public static Task Delay(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (delay < TimeSpan.Zero || delay > TaskSupervisor.MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"AsyncLoop.Delay: the delay must be between 0 and {TaskSupervisor.MaxDelay}.");
        }

        var clock = t_current?.Supervisor.Clock ?? ThreadRunner.CurrentSupervisor?.Clock ?? SupervisorClock.Own;
        return ClockDelay.Start(clock, delay, cancellationToken);
    }

    /// <summary>
    /// Stops the loop: it accepts no new work; its tasks run to their end (<paramref name="cancelTasks"/> false) or
    /// are canceled (true: queued ones never run, running ones see their token, and bodies that ignore it for 3
    /// seconds are abandoned, their handles ending Canceled). Then its thread ends. The loop leaves its supervisor,
    /// so its name may be used again. Idempotent; a later call may add <paramref name="cancelTasks"/>.
    /// </summary>
    /// <param name="wait">Whether to block until the thread has ended.</param>
    /// <param name="cancelTasks">Whether to cancel the loop's tasks instead of letting them finish.</param>
    /// <exception cref="InvalidOperationException"><paramref name="wait"/> is true and the caller is on the loop's
    /// own thread (it would wait for itself).</exception>
    public void Stop(bool wait = true, bool cancelTasks = false)
    {
        if (wait && IsLoopThread)
        {
            throw new InvalidOperationException(
                $"Stop(wait: true) was called on the thread of async loop '{Name}' and would wait for itself; use Stop(wait: false) there.");
        }

        Supervisor.ForgetLoop(this);
        var stopped = BeginStop(cancelTasks);
        if (wait)
        {
            stopped.Wait();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"AsyncLoop '{Name}' of {Supervisor}";

    /// <summary>Queues <paramref name="callback"/> for the loop's thread; once the thread has ended (a late
    /// continuation of abandoned work), it runs on the .NET thread pool instead, so nothing waiting on it hangs.</summary>
    internal void Post(SendOrPostCallback callback, object? state)
    {
        lock (_gate)
        {
            if (_thread is not null)
            {
                _queue.Enqueue((callback, state));
                WakeThread();
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static work => work.Callback(work.State), (Callback: callback, State: state), preferLocal: false);
    }

    /// <summary>Takes a task submitted for this loop into its care, unless the loop is stopping.</summary>
    internal bool TryAccept(TaskHandle task)
    {
        lock (_gate)
        {
            if (_phase != LoopPhase.Running)
            {
                return false;
            }

            _tasks.Add(task);
            return true;
        }
    }

    /// <summary>Lets go of a task that has ended (or was not submitted after all).</summary>
    internal void Forget(TaskHandle task)
    {
        lock (_gate)
        {
            _tasks.Remove(task);
            WakeThread();
        }
    }

    /// <summary>Starts an admitted task's body on the loop's thread.</summary>
    internal void Schedule(TaskHandle task) => Post(static task => ((TaskHandle)task!).RunAsyncBody(), task);

    /// <summary>Stops the loop (see <see cref="Stop"/>) without leaving the supervisor; the signal is set by the loop's
    /// thread as it ends.</summary>
    internal DoneSignal BeginStop(bool cancelTasks)
    {
        TaskHandle[] toCancel = [];
        DoneSignal stopped;
        lock (_gate)
        {
            stopped = _stopped;
            if (_phase == LoopPhase.Stopped)
            {
                return stopped;
            }

            _phase = LoopPhase.Stopping;
            if (cancelTasks && !_cancelRequested)
            {
                _cancelRequested = true;
                toCancel = [.. _tasks];

                // On the supervisor's clock: a starved .NET ThreadPool must not keep a stop from giving up on bodies
                // that ignore their token.
                var clock = Supervisor.Clock;
                _abandonTimer ??= clock.CreateTimer(static loop => ((AsyncLoop)loop!).Abandon(), this);
                _abandonTimer.Arm(clock.Now + clock.ToUnits(AbandonGrace));
            }

            WakeThread();
        }

        TaskHandle.CancelAll(toCancel);
        return stopped;
    }

    /// <summary>Runs the loop again after its supervisor stopped it and was started again.</summary>
    internal void Restart()
    {
        lock (_gate)
        {
            if (_phase != LoopPhase.Stopped)
            {
                return;
            }

            _phase = LoopPhase.Running;
            _cancelRequested = false;
            _stopped = new DoneSignal();
            StartThread();
        }
    }

    private static InvalidOperationException NullTask() => new("The body returned a null Task.");

    private void StartThread()
    {
        var thread = new Thread(RunThread) { IsBackground = true, Name = $"Atasker loop {Name}" };
        _thread = thread;
        thread.Start();
    }

    private void Enqueue(LoopRun run)
    {
        if (IsLoopThread)
        {
            throw new InvalidOperationException(
                $"Run() was called on the thread of async loop '{Name}' and would wait for itself; await the body there instead.");
        }

        lock (_gate)
        {
            if (_phase != LoopPhase.Running)
            {
                throw new InvalidOperationException($"Async loop '{Name}' of supervisor '{Supervisor.Id}' is {(_phase == LoopPhase.Stopping ? "stopping" : "stopped")}; Run() was refused.");
            }

            _runs.Add(run);
            _queue.Enqueue((static run => ((LoopRun)run!).Start(), run));
            WakeThread();
        }
    }

    internal void Forget(LoopRun run)
    {
        lock (_gate)
        {
            _runs.Remove(run);
            WakeThread();
        }
    }

    private void WakeThread()
    {
        if (_threadWaiting)
        {
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>
    /// Ends what a stop that cancels tasks is still waiting for once the grace has passed: bodies that ignored their
    /// token, and canceled tasks the loop's thread never got to. If the thread is still inside a callback then (a body
    /// that blocks the loop instead of awaiting), the loop stops without it: the stop finishes, the blocked loop is
    /// reported, and the thread leaves when the callback returns (a restart gives the loop a new one).
    /// </summary>
    private void Abandon()
    {
        TaskHandle[] tasks;
        LoopRun[] runs;
        lock (_gate)
        {
            tasks = [.. _tasks];
            runs = [.. _runs];
        }

        foreach (var task in tasks)
        {
            task.Abandon();
        }

        foreach (var run in runs)
        {
            run.Abandon();
        }

        DoneSignal? stopped = null;
        (SendOrPostCallback Callback, object? State)[] orphans = [];
        lock (_gate)
        {
            if (_thread is not null && _phase == LoopPhase.Stopping && Volatile.Read(ref _inCallback) == _thread)
            {
                _phase = LoopPhase.Stopped;
                Volatile.Write(ref _thread, null);
                orphans = [.. _queue];
                _queue.Clear();
                stopped = _stopped;
            }
        }

        if (stopped is null)
        {
            return; // the thread is free: it ends the loop itself now that nothing is left
        }

        foreach (var (callback, state) in orphans)
        {
            Post(callback, state);
        }

        Supervisor.OnLoopBlocked(this, tasks.Length + runs.Length, AbandonGrace);
        stopped.Set();
    }

    private void RunThread()
    {
        var current = Thread.CurrentThread;
        t_current = this;
        SynchronizationContext.SetSynchronizationContext(_context);

        // The thread takes everything queued at once (swapping in an empty queue), so a busy loop takes the lock once
        // per batch rather than once per callback.
        var batch = new Queue<(SendOrPostCallback Callback, object? State)>();
        while (true)
        {
            DoneSignal? ended = null;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    if (_thread != current)
                    {
                        return; // replaced while it was blocked (see Abandon): the loop is not this thread's any more
                    }

                    if (_phase != LoopPhase.Running && _tasks.Count == 0 && _runs.Count == 0)
                    {
                        ended = EndThread();
                        break;
                    }

                    _threadWaiting = true;
                    Monitor.Wait(_gate);
                    _threadWaiting = false;
                }

                if (ended is null)
                {
                    if (_thread != current)
                    {
                        return;
                    }

                    (batch, _queue) = (_queue, batch);
                }
            }

            if (ended is not null)
            {
                // Outside the lock: the stop's next steps run on this thread.
                ended.Set();
                return;
            }

            while (batch.TryDequeue(out var work))
            {
                Volatile.Write(ref _inCallback, current);
                try
                {
                    work.Callback(work.State);
                }
#pragma warning disable CA1031 // Rethrown where it would surface without a loop; the loop itself goes on.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    var failure = ExceptionDispatchInfo.Capture(error);
                    ThreadPool.UnsafeQueueUserWorkItem(static failure => failure.Throw(), failure, preferLocal: false);
                }
                finally
                {
                    // A thread the loop gave up on must not clear the mark of the thread that replaced it.
                    Interlocked.CompareExchange(ref _inCallback, null, current);
                }

                if (Volatile.Read(ref _thread) != current)
                {
                    // The loop gave up on this thread while a callback blocked it: what it had taken goes to the loop's
                    // new thread, or to the .NET ThreadPool if the loop has none.
                    while (batch.TryDequeue(out var left))
                    {
                        Post(left.Callback, left.State);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>Called on the loop's thread, under the lock, when it has nothing left to do after a stop; the caller
    /// sets the returned signal once it has released the lock.</summary>
    private DoneSignal EndThread()
    {
        _phase = LoopPhase.Stopped;
        _thread = null;
        _abandonTimer?.Disarm();
        return _stopped;
    }
}
