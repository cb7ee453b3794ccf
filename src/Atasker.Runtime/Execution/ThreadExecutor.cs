using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Atasker;

/// <summary>
/// Runs thread tasks on threads the supervisor owns: created when an admitted task finds no free thread, kept while
/// busy, retired after <see cref="IdleTimeout"/> without work. Never the .NET ThreadPool: blocking bodies must not
/// starve it, and every admitted task must get a thread at once.
/// </summary>
/// <remarks>
/// <para>A free thread is promised to each dispatched task: <c>_free</c> counts idle threads nobody has claimed.
/// <see cref="Dispatch"/> claims one (and releases the semaphore once for it) or, when none is free, starts a new
/// thread. So the number of queued tasks never exceeds the threads coming for them, and a task never waits behind a
/// blocking body. Which thread takes which task does not matter.</para>
/// <para>A thread that finishes a task runs the next task its pool admitted into the freed slot itself (see
/// <see cref="TaskHandle.Execute"/>), so a saturated pool hands work over without waking anybody.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore lives as long as the supervisor; it never creates a wait handle.")]
internal sealed class ThreadExecutor : IExecutor
{
    [ThreadStatic]
    private static TaskSupervisor? t_supervisor;

    private readonly TaskSupervisor _supervisor;
    private readonly string _threadName;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly object _queueGate = new();

    // Admitted tasks not yet taken by a thread, linked through QueueNext; guarded by _queueGate.
    private TaskHandle? _head;
    private TaskHandle? _tail;

    private int _free;
    private int _threads;
    private volatile bool _shutdown;

    public ThreadExecutor(TaskSupervisor supervisor)
    {
        _supervisor = supervisor;
        _threadName = $"Atasker {supervisor.Id}";
    }

    /// <summary>The supervisor whose thread the caller is on, or null.</summary>
    public static TaskSupervisor? CurrentSupervisor => t_supervisor;

    /// <summary>How long a thread waits for work before it exits.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Threads alive now (busy or idle).</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    public void Dispatch(TaskHandle item)
    {
        lock (_queueGate)
        {
            if (_tail is null)
            {
                _head = item;
            }
            else
            {
                _tail.QueueNext = item;
            }

            _tail = item;
        }

        if (TryTakeFree())
        {
            _wake.Release();
        }
        else
        {
            StartThread();
        }
    }

    /// <summary>Lets the threads go: idle ones exit now, busy ones when their task ends.</summary>
    public void Shutdown()
    {
        _shutdown = true;
        int idle = Interlocked.Exchange(ref _free, 0);
        if (idle > 0)
        {
            _wake.Release(idle);
        }
    }

    /// <summary>Accepts work again after <see cref="Shutdown"/>.</summary>
    public void Restart() => _shutdown = false;

    /// <summary>Takes one thread out of the free count, if there is one: to claim it for a task, or for a thread to
    /// retire itself (when the count is 0, every free thread is claimed and a release is coming for each).</summary>
    private bool TryTakeFree()
    {
        while (true)
        {
            int free = Volatile.Read(ref _free);
            if (free <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _free, free - 1, free) == free)
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

    private void Work()
    {
        t_supervisor = _supervisor;
        try
        {
            do
            {
                var item = TakeQueued();
                while (item is not null)
                {
                    item = item.Execute();
                }
            }
            while (WaitForWork());
        }
        finally
        {
            t_supervisor = null;
            Interlocked.Decrement(ref _threads);
        }
    }

    private TaskHandle? TakeQueued()
    {
        lock (_queueGate)
        {
            var head = _head;
            if (head is not null)
            {
                _head = head.QueueNext;
                head.QueueNext = null;
                if (_head is null)
                {
                    _tail = null;
                }
            }

            return head;
        }
    }

    /// <summary>Becomes free and waits to be claimed; false when the thread should exit instead.</summary>
    private bool WaitForWork()
    {
        Interlocked.Increment(ref _free);
        while (_shutdown || !_wake.Wait(IdleTimeout))
        {
            if (TryTakeFree())
            {
                return false;
            }

            if (_shutdown)
            {
                // Claimed just before the shutdown took the free count: the claim's release is on its way.
                _wake.Wait();
                return true;
            }
        }

        return true;
    }
}
