using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Atasker;

/// <summary>
/// Runs thread tasks on threads the supervisor owns (never the .NET ThreadPool: blocking bodies must not starve it,
/// and a starved ThreadPool must not starve them). An admitted task always has a thread at once: a searching thread
/// takes it, a parked one is woken, or a new one is created on the spot. Threads retire after
/// <see cref="IdleTimeout"/> without work.
/// </summary>
/// <remarks>
/// <para>Admitted tasks wait in the pool's ready queue (<see cref="PriorityAdmission"/>), in the order the pool
/// admitted them. A thread without work first <em>searches</em> (spins briefly on the queue), then parks (on a
/// <see cref="WakeSignal"/>, which does not spin again). Whenever tasks are ready and no thread is searching or on its
/// way to the queue (woken, or just created), a parked thread is woken, or, when every thread is inside a body, a new
/// one is started right there: no timer, no waiting to see whether a busy thread frees up. A thread that takes a task
/// while more are ready makes sure another comes for them before it runs its own, so a burst of blocking bodies gets a
/// thread each, one after the other (at most one per task admitted at once, which the pool's limits bound), while a
/// stream of short tasks is carried by a searching thread or two without waking the others: waking a thread for each
/// ready task made the threads of a busy pool take turns parking, and their wake-ups and spins took most of the CPU
/// of a no-op stream (4.5-6.4x Task.Run before, 2.3-3.6x after, bench comparison 1).</para>
/// <para>A thread that finishes a task takes the head of the ready queue itself (see
/// <see cref="PriorityAdmission.Release"/>), so a saturated pool hands work over without waking anyone.</para>
/// </remarks>
internal sealed class ThreadRunner : IReadyQueueRunner
{
    private const int SearchSpins = 40;
    private const int MaxSearchers = 1;

    [ThreadStatic]
    private static TaskSupervisor? t_supervisor;

    private readonly TaskSupervisor _supervisor;
    private readonly SupervisorClock _clock;
    private readonly string _threadName;
    private readonly WakeSignal _wake = new();
    private PriorityAdmission _pool = null!;

    // Each on its own cache line: _searching is read by every hand-over and written by searching threads; none of them
    // should make the others miss in cache. _coming counts threads told to come (woken or created) that have not yet
    // looked at the queue: with the searchers, the threads the ready tasks can count on.
    private PaddedCounter _searching;
    private PaddedCounter _parked;
    private PaddedCounter _coming;
    private int _threads;
    private int _created;
    private int _minThreads;
    private volatile bool _shutdown;

    public ThreadRunner(TaskSupervisor supervisor, SupervisorClock clock)
    {
        _supervisor = supervisor;
        _clock = clock;
        _threadName = $"Atasker {supervisor.Id}";
    }

    /// <summary>The supervisor whose thread the caller is on, or null.</summary>
    public static TaskSupervisor? CurrentSupervisor => t_supervisor;

    /// <summary>How long a parked thread waits for work before it exits.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Threads alive now (busy, searching or parked).</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    /// <summary>Threads created so far (tests and the benchmarks).</summary>
    public int ThreadsCreated => Volatile.Read(ref _created);

    /// <summary>Threads kept alive however long they are idle (see <see cref="KeepThreads"/>).</summary>
    public int MinThreads => Volatile.Read(ref _minThreads);

    /// <summary>Creates threads now until <paramref name="count"/> are alive, and keeps at least that many from then on:
    /// an idle thread retires only while more are alive.</summary>
    public void KeepThreads(int count)
    {
        Volatile.Write(ref _minThreads, count);
        if (!_shutdown)
        {
            StartMissingThreads();
        }
    }

    private void StartMissingThreads()
    {
        while (Volatile.Read(ref _threads) < Volatile.Read(ref _minThreads))
        {
            // Counted in _coming until it has looked at the queue, like any thread told to come.
            Interlocked.Increment(ref _coming.Value);
            StartThread();
        }
    }

    /// <summary>The pool whose ready queue the threads take from (set once, right after both are made).</summary>
    public void Serve(PriorityAdmission pool) => _pool = pool;

    /// <summary>The ready queue has work: makes sure a thread comes for it. Called after the pool's lock.</summary>
    public void OnReady() => EnsureSomeoneComes();

    /// <summary>Lets the threads go: parked and searching ones exit now, busy ones when their task ends.</summary>
    public void Shutdown()
    {
        _shutdown = true;
        long parked = Interlocked.Exchange(ref _parked.Value, 0);
        if (parked > 0)
        {
            Interlocked.Add(ref _coming.Value, parked);
            _wake.Release((int)parked);
        }
    }

    /// <summary>Accepts work again after <see cref="Shutdown"/>, with the threads it keeps started again.</summary>
    public void Restart()
    {
        _shutdown = false;
        StartMissingThreads();
    }

    /// <summary>Makes sure a thread comes for the ready tasks: one is searching or on its way, or a parked one is woken,
    /// or a new one is started now. The thread that comes does the same for the tasks after the one it takes.</summary>
    private void EnsureSomeoneComes()
    {
        // The ready count was raised with a full fence before this. Pairs with a searcher giving up (it stops counting
        // itself, then looks at the queue once more) and with a thread parking (it counts itself parked, then looks).
        // One thread at most: the one told to come chains the next (two callers racing here may send two: harmless).
        if (_pool.ReadyCount > 0 && Volatile.Read(ref _searching.Value) + Volatile.Read(ref _coming.Value) == 0)
        {
            Interlocked.Increment(ref _coming.Value);
            if (TryTakeParked())
            {
                _wake.Release();
            }
            else if (ClockThread.IsCurrentThread)
            {
                // A delay or a worker's wait ended on the clock's thread: it hands off and goes on, while the thread
                // starter creates the thread (which can take a millisecond on a busy machine, and every other timer
                // due meanwhile would be that late).
                ThreadStarter.Start(this);
            }
            else
            {
                StartThread();
            }
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

    /// <summary>Creates a thread that goes straight to the ready queue (counted in <c>_coming</c> already).</summary>
    internal void StartThread()
    {
        Interlocked.Increment(ref _threads);
        Interlocked.Increment(ref _created);
        var thread = new Thread(static state => ((ThreadRunner)state!).Work())
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
        bool retired = false; // counted out already (MayRetire)
        try
        {
            // When the next task is taken right after the last one ended, that end is also the next start: one clock
            // read per task in a busy stream.
            long now = _clock.Now;
            bool arriving = true; // created for the ready queue: counted in _coming until it searches
            while (true)
            {
                TaskHandle? item = null;
                if (!arriving)
                {
                    item = _pool.TakeReady();
                }

                if (item is null)
                {
                    if (!TryFindWork(arriving, out item, out retired))
                    {
                        break;
                    }

                    now = _clock.Now;
                }

                arriving = false;

                // More is ready and this thread is about to be busy: another must come for it.
                if (_pool.HasReady)
                {
                    EnsureSomeoneComes();
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
            if (!retired)
            {
                Interlocked.Decrement(ref _threads);
            }
        }
    }

    /// <summary>Counts an idle thread out, unless that would leave fewer than <see cref="MinThreads"/> alive (the
    /// caller then stays). A thread that retires is counted out here; one that leaves on shutdown, when it exits.</summary>
    private bool MayRetire()
    {
        while (true)
        {
            int threads = Volatile.Read(ref _threads);
            if (threads <= Volatile.Read(ref _minThreads) && !_shutdown)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _threads, threads - 1, threads) == threads)
            {
                return true;
            }
        }
    }

    /// <summary>Searches, then parks, until there is work; false when the thread should exit (idle too long, or shut
    /// down).</summary>
    /// <remarks><c>_parked</c> counts parked threads nobody has claimed. A hand-over claims one (decrements it) and
    /// releases the semaphore once; a thread leaving on its own (retiring, or finding work) must also decrement it,
    /// and when it cannot (every parked thread is claimed) a release is on its way to some parked thread.</remarks>
    private bool TryFindWork(bool arriving, [NotNullWhen(true)] out TaskHandle? item, out bool retired)
    {
        retired = false;
        while (true)
        {
            if (Search(arriving, out item))
            {
                return true;
            }

            arriving = false;

            if (_shutdown)
            {
                return false;
            }

            // Counting itself parked before the last look means a hand-over either sees it parked (and wakes it)
            // or its work is seen here.
            Interlocked.Increment(ref _parked.Value);
            if ((_pool.HasReady || _shutdown) && TryTakeParked())
            {
                continue;
            }

            while (!_wake.Wait(IdleTimeout))
            {
                if (!MayRetire())
                {
                    continue; // one of the threads kept: stays parked (and counted so)
                }

                if (TryTakeParked())
                {
                    retired = true;
                    return false; // Idle too long, and nobody had claimed it: retire.
                }

                // Claimed just as it timed out: the release is coming, and it stays.
                Interlocked.Increment(ref _threads);
                _wake.Wait();
                break;
            }

            arriving = true; // woken by a claim (counted in _coming)
        }
    }

    /// <summary>Looks for work for a short while, counted as a searcher so hand-overs need not wake anybody. One
    /// searcher is enough to pick up a stream of work; others only look once, so spinning never crowds the cores.</summary>
    /// <param name="arriving">Whether the thread is counted in <c>_coming</c>: it stops counting there once it counts
    /// as a searcher (or has looked), so the threads the ready tasks can count on never dip in between.</param>
    /// <param name="item">The task found.</param>
    private bool Search(bool arriving, [NotNullWhen(true)] out TaskHandle? item)
    {
        bool searcher = Interlocked.Increment(ref _searching.Value) <= MaxSearchers;
        if (!searcher)
        {
            Interlocked.Decrement(ref _searching.Value);
            item = _pool.TakeReady();
            if (arriving)
            {
                Interlocked.Decrement(ref _coming.Value);
            }

            return item is not null;
        }

        if (arriving)
        {
            Interlocked.Decrement(ref _coming.Value);
        }

        var spinner = default(SpinWait);
        for (int spin = 0; spin < SearchSpins; spin++)
        {
            item = _pool.TakeReady();
            if (item is not null)
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
        item = _pool.TakeReady();
        return item is not null;
    }
}
