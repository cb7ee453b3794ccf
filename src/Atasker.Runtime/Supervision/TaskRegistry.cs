using System.Collections.Generic;
using System.Threading;

namespace Atasker;

/// <summary>
/// The unfinished tasks of a supervisor: for <see cref="TaskSupervisor.GetTask"/>, for cancelling everything on stop,
/// and for knowing when a stop has drained. Striped by id so submitters and finishing threads rarely meet on one lock;
/// each stripe is a list linked through the tasks themselves, so adding and removing is O(1) with no hashing and no
/// allocation. Finding a task by id walks one stripe: fine for a diagnostic lookup.
/// </summary>
/// <remarks>
/// A stop <see cref="Close"/>s the registry: from then on <see cref="TryAdd"/> refuses. Close publishes the flag, then
/// looks at every stripe under its lock, while TryAdd reads the flag under the stripe's lock: so a task is either
/// refused or seen by Close. The removal that empties the last stripe of a closed registry completes the drain signal.
/// </remarks>
internal sealed class TaskRegistry
{
    private const int StripeCount = 32; // a power of two: the stripe is the id's low bits

    private readonly Stripe[] _stripes = new Stripe[StripeCount];
    private volatile DoneSignal? _drained; // non-null while closed

    public TaskRegistry()
    {
        for (int i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Registers a task, unless the registry is closed.</summary>
    public bool TryAdd(TaskHandle task)
    {
        var stripe = StripeOf(task.Id);
        stripe.Gate.Enter();
        try
        {
            if (_drained is not null)
            {
                return false;
            }

            stripe.Add(task);
            return true;
        }
        finally
        {
            stripe.Gate.Exit();
        }
    }

    public void Remove(TaskHandle task)
    {
        var stripe = StripeOf(task.Id);
        bool emptied;
        stripe.Gate.Enter();
        try
        {
            stripe.Remove(task);
            emptied = stripe.Count == 0;
        }
        finally
        {
            stripe.Gate.Exit();
        }

        if (emptied && _drained is { } drained && IsEmpty())
        {
            drained.Set();
        }
    }

    public TaskHandle? Find(long id)
    {
        var stripe = StripeOf(id);
        stripe.Gate.Enter();
        try
        {
            for (var task = stripe.Head; task is not null; task = task.RegistryNext)
            {
                if (task.Id == id)
                {
                    return task;
                }
            }

            return null;
        }
        finally
        {
            stripe.Gate.Exit();
        }
    }

    public List<TaskHandle> Snapshot()
    {
        var all = new List<TaskHandle>();
        foreach (var stripe in _stripes)
        {
            stripe.Gate.Enter();
            try
            {
                for (var task = stripe.Head; task is not null; task = task.RegistryNext)
                {
                    all.Add(task);
                }
            }
            finally
            {
                stripe.Gate.Exit();
            }
        }

        return all;
    }

    /// <summary>Refuses new tasks from now on; the returned signal is set once every registered task has ended (by
    /// the thread that ends the last one, or here when none is left).</summary>
    public DoneSignal Close()
    {
        var drained = new DoneSignal();
        _drained = drained;
        Interlocked.MemoryBarrier();
        if (IsEmpty())
        {
            drained.Set();
        }

        return drained;
    }

    /// <summary>Accepts tasks again.</summary>
    public void Open() => _drained = null;

    private bool IsEmpty()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Gate.Enter();
            int count = stripe.Count;
            stripe.Gate.Exit();
            if (count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private Stripe StripeOf(long id) => _stripes[(int)(id & (StripeCount - 1))];

    /// <summary>One stripe: a doubly linked list through <see cref="TaskHandle.RegistryNext"/> and
    /// <see cref="TaskHandle.RegistryPrevious"/>, guarded by <see cref="Gate"/>.</summary>
    private sealed class Stripe
    {
        public SpinGate Gate;
        public TaskHandle? Head;
        public int Count;

        public void Add(TaskHandle task)
        {
            task.RegistryPrevious = null;
            task.RegistryNext = Head;
            if (Head is not null)
            {
                Head.RegistryPrevious = task;
            }

            Head = task;
            Count++;
        }

        public void Remove(TaskHandle task)
        {
            if (task.RegistryPrevious is null)
            {
                if (Head != task)
                {
                    return; // not here (already removed)
                }

                Head = task.RegistryNext;
            }
            else
            {
                task.RegistryPrevious.RegistryNext = task.RegistryNext;
            }

            if (task.RegistryNext is not null)
            {
                task.RegistryNext.RegistryPrevious = task.RegistryPrevious;
            }

            task.RegistryNext = null;
            task.RegistryPrevious = null;
            Count--;
        }
    }
}
