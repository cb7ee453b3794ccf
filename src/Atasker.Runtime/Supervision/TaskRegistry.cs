using System;
using System.Collections.Generic;
using System.Threading;

namespace Atasker;

/// <summary>
/// The unfinished tasks of a supervisor: for <see cref="TaskSupervisor.GetTask"/>, for cancelling everything on stop,
/// and for knowing when a stop has drained. Striped by id so submitters and finishing threads rarely meet on one lock;
/// each stripe is an array of slots with a free list, and a task remembers its slot (one int in the handle rather than
/// two links), so adding and removing is O(1) with no hashing and no allocation once the stripe has grown to the most
/// tasks it held at once. Finding a task by id walks one stripe: fine for a diagnostic lookup.
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
            foreach (var task in stripe.Tasks)
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
                all.AddRange(stripe.Tasks);
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

    /// <summary>One stripe: the tasks in slots (<see cref="TaskHandle.RegistrySlot"/> is a task's, 1-based), the free
    /// slots on a stack (the last freed is reused first), guarded by <see cref="Gate"/>.</summary>
    private sealed class Stripe
    {
        public SpinGate Gate;
        public int Count;
        private TaskHandle?[] _slots = new TaskHandle?[8];
        private int[] _free = new int[8];
        private int _freeCount;
        private int _used; // slots handed out since the stripe was last empty

        /// <summary>The tasks in the stripe (under <see cref="Gate"/>).</summary>
        public IEnumerable<TaskHandle> Tasks
        {
            get
            {
                for (int slot = 0; slot < _used; slot++)
                {
                    if (_slots[slot] is { } task)
                    {
                        yield return task;
                    }
                }
            }
        }

        public void Add(TaskHandle task)
        {
            int slot = _freeCount > 0 ? _free[--_freeCount] : _used++;
            if (slot == _slots.Length)
            {
                Array.Resize(ref _slots, slot * 2);
            }

            _slots[slot] = task;
            task.RegistrySlot = slot + 1;
            Count++;
        }

        public void Remove(TaskHandle task)
        {
            int slot = task.RegistrySlot - 1;
            if (slot < 0 || _slots[slot] != task)
            {
                return; // not here (already removed)
            }

            _slots[slot] = null;
            task.RegistrySlot = 0;
            if (--Count == 0)
            {
                // Empty: every slot is free again, and the next tasks fill the stripe from the start.
                _used = 0;
                _freeCount = 0;
                return;
            }

            if (_freeCount == _free.Length)
            {
                Array.Resize(ref _free, _free.Length * 2);
            }

            _free[_freeCount++] = slot;
        }
    }
}
