using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// An object that keeps creating executions of one body: again and again (<see cref="LoopWorker"/>), on an interval
/// (<see cref="IntervalWorker"/>), per trigger (<see cref="EventWorker"/>) or per item (<see cref="QueueWorker{T}"/>).
/// The <c>[BackgroundWorker]</c> attribute generates one per method; the constructors take a delegate.
/// </summary>
/// <remarks>
/// <para>Every execution is one task on the supervisor's pool with the worker's <see cref="Priority"/>, so workers obey
/// the pool's limits and reserves, and a worker that waits holds no slot and no thread. Executions of one worker never
/// overlap. An execution that throws raises <see cref="Error"/> and counts in <see cref="Failures"/>; the worker goes
/// on. A body that returns false stops its worker. Waits (interval, delays, an empty queue) are timers, so
/// <see cref="Stop"/> of a waiting worker returns at once.</para>
/// <para>The body's <see cref="CancellationToken"/> is the worker's: it is canceled when a stop begins (for a queue
/// worker, once the items it drains are done).</para>
/// <para>Every public member is thread-safe.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The token sources are only canceled, never given a wait handle or a timer; bodies may hold their tokens after the worker stops, so they are not disposed.")]
public abstract partial class BackgroundWorker : ISupervisedWorker
{
    private const int Stopped = 0;
    private const int Running = 1;
    private const int Stopping = 2;

    /// <summary>The most executions one run handles before giving its slot back (see <see cref="TryContinueRun"/>).</summary>
    private const int MaxExecutionsPerRun = 256;

    [ThreadStatic]
    private static BackgroundWorker? t_executing;

    private readonly bool _asyncBody;
    private readonly bool _processBody;
    private TaskPriority _priority = TaskPriority.Normal;
    private TaskKind _kind;
    private string? _loop;
    private TimeSpan _delay;
    private TimeSpan _delayBefore;

    // The activation: written under Gate. _phase and _run are also read without it.
    private int _phase;
    private TaskSupervisor? _supervisor;
    private CancellationTokenSource? _cancellation;
    private DoneSignal _stopped = DoneSignal.Completed();
    private bool _draining;
    private int _drainLeft;
    private TaskHandle? _run;
    private bool _triggered;
    private bool _starting;

    // The one wait in progress (a timer on the supervisor's clock), if any; whether the delay before the next
    // execution has passed.
    private readonly WorkerWait _wait;
    private bool _delayedBefore;

    // What to do once Gate is released: raise errors, cancel the activation's token, signal the end of a stop.
    private readonly WorkerEffects _effects = new();

    // How many items the current run has handled (a queue worker's run may handle several, see TryContinueRun).
    private int _runItems;

    private readonly WorkerCounters _counters = new();

    private protected BackgroundWorker(string name, bool asyncBody, bool processBody = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _asyncBody = asyncBody;
        _processBody = processBody;
        _kind = processBody ? TaskKind.Process : asyncBody ? TaskKind.Async : TaskKind.Thread;
        _wait = new WorkerWait(static worker => ((BackgroundWorker)worker!).OnTimer(), this);
    }

    /// <summary>For a subclass that overrides the body: it may be sync or awaitable, so the executions run on
    /// supervisor threads unless the subclass sets <see cref="Kind"/> to <see cref="TaskKind.Async"/>.</summary>
    private protected BackgroundWorker(string name)
        : this(name, asyncBody: true) => _kind = TaskKind.Thread;

    /// <summary>Raised when an execution fails (or a queue item's execution is canceled); the worker goes on. Raised
    /// on the thread that ran the execution; an exception thrown by a handler is ignored.</summary>
    public event EventHandler<WorkerErrorEventArgs>? Error;

    /// <summary>The worker's name: the name of its executions' tasks and the name in every message about it.</summary>
    public string Name { get; }

    /// <summary>Whether the worker is started and not stopping.</summary>
    public bool IsActive => Volatile.Read(ref _phase) == Running;

    /// <summary>How many executions have ended (including failed ones).</summary>
    public long Executions => _counters.Executions;

    /// <summary>How many executions have failed.</summary>
    public long Failures => _counters.Failures;

    /// <summary>When the last execution started (to the millisecond), or null if none has.</summary>
    public DateTimeOffset? LastExecuted => _counters.LastExecutedOn(Supervisor?.Clock);

    /// <summary>The supervisor the worker runs on (or last ran on); null before its first start.</summary>
    public TaskSupervisor? Supervisor => Volatile.Read(ref _supervisor);

    /// <summary>The priority of every execution (default <see cref="TaskPriority.Normal"/>); a change applies from
    /// the next execution.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a <see cref="TaskPriority"/>.</exception>
    public TaskPriority Priority
    {
        get => _priority;
        set
        {
            if ((uint)value > (uint)TaskPriority.Critical)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Worker '{Name}': {value} is not a TaskPriority.");
            }

            _priority = value;
        }
    }

    /// <summary>Where executions run: <see cref="TaskKind.Async"/> (an async loop) by default for an awaitable body,
    /// <see cref="TaskKind.Thread"/> for a sync one. An awaitable body may be moved to threads; a sync body may not run on
    /// a loop. <see cref="TaskKind.Process"/> is the kind of a worker generated from a static
    /// <c>[BackgroundWorker(Kind = TaskKind.Process)]</c> method (each execution is a process task) and of no other:
    /// a delegate or an override lives in this process. Applies from the next start.</summary>
    /// <exception cref="ArgumentException">The kind cannot run this worker's body.</exception>
    public TaskKind Kind
    {
        get => _kind;
        set
        {
            if (value is not (TaskKind.Async or TaskKind.Thread or TaskKind.Process))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Worker '{Name}': {value} is not a TaskKind.");
            }

            if (_processBody != (value == TaskKind.Process))
            {
                throw new ArgumentException(
                    _processBody
                        ? $"Worker '{Name}' runs its executions in worker processes (its body is a static Kind = TaskKind.Process method, which is not in this process to call); it cannot run as TaskKind.{value}."
                        : $"Worker '{Name}' has its body in this process (a delegate or an override), so it cannot run as TaskKind.Process; declare it with [BackgroundWorker(Kind = TaskKind.Process)] on a static method, or start a process task from the body.",
                    nameof(value));
            }

            if (value == TaskKind.Async && !_asyncBody)
            {
                throw new ArgumentException($"Worker '{Name}' has a sync body, which would block an async loop; it runs as TaskKind.Thread.", nameof(value));
            }

            _kind = value;
        }
    }

    /// <summary>The async loop an awaitable body runs on (null: the supervisor's default loop). Applies from the next
    /// start, which fails if the supervisor has no such loop.</summary>
    public string? Loop
    {
        get => _loop;
        set => _loop = value;
    }

    /// <summary>The pause after each execution ends (default none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan Delay
    {
        get => _delay;
        set => _delay = ValidDuration(value, nameof(Delay));
    }

    /// <summary>The pause before each execution starts (default none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan DelayBefore
    {
        get => _delayBefore;
        set => _delayBefore = ValidDuration(value, nameof(DelayBefore));
    }

    /// <summary>Called by <see cref="Start"/> (and <see cref="Restart"/>) before the worker becomes active, on the
    /// caller's thread: no execution has been created yet. An exception it throws propagates out of
    /// <see cref="Start"/> and the worker stays stopped (and <see cref="OnStopped"/> is not called).</summary>
    /// <remarks>Called without the worker's lock, so it may call the worker (a queue worker's <c>Put</c>, a
    /// <c>Trigger</c>); a <see cref="Start"/> on another thread meanwhile returns false.</remarks>
    protected virtual void OnStarting()
    {
    }

    /// <summary>Called once a stop has finished: no execution of this activation runs any more (a queue worker has
    /// drained). Called before <see cref="Stop"/> returns and before <see cref="StopAsync"/> completes, on the thread
    /// that finished the stop (the last execution's, or the stopping caller's); a <see cref="Start"/> meanwhile throws as
    /// for a worker that is still stopping. An exception it throws is logged and raised through <see cref="Error"/>;
    /// the stop completes all the same.</summary>
    protected virtual void OnStopped()
    {
    }

    /// <summary>The lock every transition of the worker takes.</summary>
    private protected Gate Gate { get; } = new();

    /// <summary>
    /// Starts the worker on <paramref name="supervisor"/> (<see cref="TaskSupervisor.Default"/> when null), starting the
    /// supervisor if it never started.
    /// </summary>
    /// <returns>False when the worker is already active (it keeps running where it runs).</returns>
    /// <exception cref="InvalidOperationException">The worker is still stopping, or the supervisor is stopping or
    /// stopped.</exception>
    /// <exception cref="ArgumentException">The worker's <see cref="Loop"/> does not exist on the supervisor.</exception>
    public bool Start(TaskSupervisor? supervisor = null) => TryStart(supervisor) switch
    {
        Running => false,
        Stopping => throw new InvalidOperationException($"Worker '{Name}' is still stopping; call Start() once Stop has finished (await StopAsync())."),
        _ => true,
    };

    /// <summary>
    /// Stops the worker: a waiting worker stops at once, a running execution is let finish (its token is canceled), and
    /// a queue worker first runs every item put before the stop. Returns at once when the worker is not active.
    /// </summary>
    /// <param name="wait">Whether to block until the stop has finished.</param>
    /// <exception cref="InvalidOperationException"><paramref name="wait"/> is true and the caller is the worker's own
    /// execution, which the stop would wait for (return false from the body, or use <c>Stop(wait: false)</c>).</exception>
    public void Stop(bool wait = true)
    {
        if (wait)
        {
            ThrowIfOwnExecution(nameof(Stop));
        }

        var stopped = BeginStop(drain: true);
        if (wait)
        {
            stopped.Wait();
        }
    }

    /// <summary>Stops like <see cref="Stop"/>; the task ends when the stop has finished.</summary>
    public Task StopAsync() => BeginStop(drain: true).Task;

    /// <summary>Stops the worker, waits for the stop to finish, and starts it again on the same supervisor: the old and
    /// the new executions never overlap. Called from the worker's own execution, the start happens once that execution
    /// has ended.</summary>
    public void Restart()
    {
        var supervisor = Supervisor;
        if (IsOwnExecution())
        {
            RestartAfter(BeginStop(drain: true), supervisor);
            return;
        }

        // Another restart (or stop) may begin in between: start only a worker that is fully stopped.
        while (true)
        {
            BeginStop(drain: true).Wait();
            if (TryStart(supervisor) != Stopping)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} '{Name}' ({(IsActive ? "active" : "stopped")}, {Executions} executions)";
}
