using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Atasker;

/// <summary>
/// Runs thread tasks on threads the supervisor owns (never the .NET ThreadPool: blocking bodies must not starve it).
/// Threads are created on demand and retire after <see cref="IdleTimeout"/> without work.
/// </summary>
/// <remarks>
/// <para>Admitted tasks go into one queue. A thread without work first <em>searches</em> (spins briefly on the queue),
/// then parks. A dispatch wakes a parked thread only when nobody is searching, so a stream of short tasks is picked up
/// without a wake-up per task. A thread that takes a task while more are waiting makes sure another thread is
/// searching before it runs its own, so a task never sits behind a body that blocks.</para>
/// <para>When every thread is inside a body (none searching, none parked), work needs a new thread. Up to
/// <see cref="Environment.ProcessorCount"/> threads, and for Critical tasks always, it is created at once. Beyond
/// that threads are added only when the queue has made no progress for <see cref="StarvationDelay"/>: a timer armed
/// only while work waits with no free thread (never in steady state) compares the count of taken tasks between two
/// ticks. So blocking bodies get their threads within a few milliseconds, and a burst of short tasks does not create
/// a thread per task.</para>
/// <para>A thread that finishes a task first runs the next task its pool admitted into the freed slot (see
/// <see cref="TaskHandle.Execute"/>), so a saturated pool hands work over without touching this queue.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore and the timer live as long as the supervisor; the semaphore never creates a wait handle.")]
internal sealed class ThreadExecutor : IExecutor
{
    /// <summary>How long queued work may see no progress before another thread is added.</summary>
    public static readonly TimeSpan StarvationDelay = TimeSpan.FromMilliseconds(1);

    private const int SearchSpins = 40;
    private const int MaxSearchers = 1;
    private static readonly int MaxThreadsPerTick = Math.Max(8, Environment.ProcessorCount * 4);

    [ThreadStatic]
    private static TaskSupervisor? t_supervisor;

    private readonly TaskSupervisor _supervisor;
    private readonly string _threadName;
    private readonly ConcurrentQueue<TaskHandle> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly int _eagerThreads = Math.Max(2, Environment.ProcessorCount);
    private readonly Timer _starvation;

    // Each on its own cache line: _searching is read by every dispatch and written by searching threads, _taken is
    // written after every take; neither should make the other (or _parked) miss in cache.
    private PaddedCounter _searching;
    private PaddedCounter _parked;
    private PaddedCounter _taken;
    private int _threads;
    private long _takenAtLastTick = -1;
    private int _starvationArmed;
    private volatile bool _shutdown;

    public ThreadExecutor(TaskSupervisor supervisor)
    {
        _supervisor = supervisor;
        _threadName = $"Atasker {supervisor.Id}";
        _starvation = new Timer(static state => ((ThreadExecutor)state!).OnStarvationTick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The supervisor whose thread the caller is on, or null.</summary>
    public static TaskSupervisor? CurrentSupervisor => t_supervisor;

    /// <summary>How long a parked thread waits for work before it exits.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Threads alive now (busy, searching or parked).</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    public void Dispatch(TaskHandle item)
    {
        _queue.Enqueue(item);
        EnsureSomeoneComes(critical: item.Priority == TaskPriority.Critical);
    }

    /// <summary>Lets the threads go: parked and searching ones exit now, busy ones when their task ends.</summary>
    public void Shutdown()
    {
        _shutdown = true;
        long parked = Interlocked.Exchange(ref _parked.Value, 0);
        if (parked > 0)
        {
            _wake.Release((int)parked);
        }
    }

    /// <summary>Accepts work again after <see cref="Shutdown"/>.</summary>
    public void Restart() => _shutdown = false;

    /// <summary>Makes sure a thread will take the work just queued: one is searching, a parked one is woken, or a new
    /// one is started (at once, or by the starvation timer).</summary>
    private void EnsureSomeoneComes(bool critical)
    {
        // Pairs with a searcher giving up: it stops counting itself, then looks at the queue once more.
        if (Volatile.Read(ref _searching.Value) > 0)
        {
            return;
        }

        if (TryTakeParked())
        {
            _wake.Release();
        }
        else if (critical || Volatile.Read(ref _threads) < _eagerThreads)
        {
            StartThread();
        }
        else
        {
            ArmStarvationTimer();
        }
    }

    private bool TryTakeParked()
    {
        while (true)
        {
            long parked = Volatile.Read(ref _parked.Value);
            if (parked <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _parked.Value, parked - 1, parked) == parked)
            {
                return true;
            }
        }
    }

    private void StartThread()
    {
        Interlocked.Increment(ref _threads);
        var thread = new Thread(static state => ((ThreadExecutor)state!).Work())
        {
            IsBackground = true,
            Name = _threadName,
        };
        thread.UnsafeStart(this);
    }

    // Entered once per thread and looping for its whole life: compiled fully optimized at once, instead of running
    // as tier-0 code replaced mid-loop (on-stack replacement).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work()
    {
        t_supervisor = _supervisor;
        try
        {
            // When the next task is taken right after the last one ended, that end is also the next start: one clock
            // read per task in a busy stream.
            long now = Clock.Now;
            while (true)
            {
                if (!_queue.TryDequeue(out var item))
                {
                    if (!TryFindWork(out item))
                    {
                        break;
                    }

                    now = Clock.Now;
                }

                // Only "has anything been taken since the last tick" matters, so a lost increment is harmless.
                Volatile.Write(ref _taken.Value, Volatile.Read(ref _taken.Value) + 1);

                // More is waiting and this thread is about to be busy: another must come for it.
                if (!_queue.IsEmpty)
                {
                    EnsureSomeoneComes(critical: false);
                }

                while (item is not null)
                {
                    item = item.Execute(ref now);
                }
            }
        }
        finally
        {
            t_supervisor = null;
            Interlocked.Decrement(ref _threads);
        }
    }

    /// <summary>Searches, then parks, until there is work; false when the thread should exit (idle too long, or shut
    /// down).</summary>
    /// <remarks><c>_parked</c> counts parked threads nobody has claimed. A dispatch claims one (decrements it) and
    /// releases the semaphore once; a thread leaving on its own (retiring, or finding work) must also decrement it,
    /// and when it cannot (every parked thread is claimed) a release is on its way to some parked thread.</remarks>
    private bool TryFindWork([NotNullWhen(true)] out TaskHandle? item)
    {
        while (true)
        {
            if (Search(out item))
            {
                return true;
            }

            if (_shutdown)
            {
                return false;
            }

            // Counting itself parked before the last look means a dispatch either sees it parked (and wakes it)
            // or its work is seen here.
            Interlocked.Increment(ref _parked.Value);
            if ((!_queue.IsEmpty || _shutdown) && TryTakeParked())
            {
                continue;
            }

            if (_wake.Wait(IdleTimeout))
            {
                continue;
            }

            if (TryTakeParked())
            {
                return false; // Idle too long, and nobody had claimed it: retire.
            }

            _wake.Wait(); // Claimed just as it timed out: the release is coming.
        }
    }

    /// <summary>Looks for work for a short while, counted as a searcher so dispatches need not wake anybody. One
    /// searcher is enough to pick up a stream of work; others only look once, so spinning never crowds the cores.</summary>
    private bool Search([NotNullWhen(true)] out TaskHandle? item)
    {
        if (Interlocked.Increment(ref _searching.Value) > MaxSearchers)
        {
            Interlocked.Decrement(ref _searching.Value);
            return _queue.TryDequeue(out item);
        }

        var spinner = default(SpinWait);
        for (int spin = 0; spin < SearchSpins; spin++)
        {
            if (_queue.TryDequeue(out item))
            {
                Interlocked.Decrement(ref _searching.Value);
                return true;
            }

            if (_shutdown)
            {
                break;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        // Stop counting as a searcher, then look once more (see EnsureSomeoneComes).
        Interlocked.Decrement(ref _searching.Value);
        return _queue.TryDequeue(out item);
    }

    private void ArmStarvationTimer()
    {
        if (Volatile.Read(ref _starvationArmed) == 0 && Interlocked.CompareExchange(ref _starvationArmed, 1, 0) == 0)
        {
            Volatile.Write(ref _takenAtLastTick, Volatile.Read(ref _taken.Value));
            _starvation.Change(StarvationDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Adds threads if queued work has seen no progress since the last tick; stops when nothing waits.</summary>
    /// <remarks>No progress for a whole tick means every thread is inside a body that blocks, so each queued task
    /// needs a thread of its own: up to <see cref="MaxThreadsPerTick"/> are added at once (more on the next tick), so a
    /// backlog of blocking tasks starts within a few ticks even on a loaded machine, and a backlog of merely long
    /// tasks does not create hundreds of threads.</remarks>
    private void OnStarvationTick()
    {
        long taken = Volatile.Read(ref _taken.Value);
        bool starved = !_queue.IsEmpty && taken == Volatile.Read(ref _takenAtLastTick)
            && Volatile.Read(ref _searching.Value) == 0 && Volatile.Read(ref _parked.Value) == 0;
        if (starved && !_shutdown)
        {
            for (int added = Math.Min(_queue.Count, MaxThreadsPerTick); added > 0; added--)
            {
                StartThread();
            }
        }

        if (_queue.IsEmpty || _shutdown)
        {
            Volatile.Write(ref _starvationArmed, 0);

            // Work queued after the check above, with nobody free, must not wait for a timer nobody arms.
            if (!_queue.IsEmpty && Volatile.Read(ref _searching.Value) == 0)
            {
                EnsureSomeoneComes(critical: false);
            }

            return;
        }

        Volatile.Write(ref _takenAtLastTick, taken);
        _starvation.Change(StarvationDelay, Timeout.InfiniteTimeSpan);
    }
}
