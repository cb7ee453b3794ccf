using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics;
using System.Threading;

namespace Atasker;

// Longer than ~400 lines: arming, disarming and firing share the wheel, the heap and the cursor under one lock (the
// list and heap operations are in ClockThread.Lists.cs).

/// <summary>
/// The thread that fires Atasker's timers: one for the process, started with the first timer, sleeping until the
/// next due time (never polling) and never on the .NET ThreadPool, so a starved ThreadPool delays no delayed task,
/// worker interval, queue-wait threshold or stop grace period.
/// </summary>
/// <remarks>
/// <para>A timer due within <see cref="Horizon"/> sits in a timing wheel of one-millisecond slots (a doubly linked
/// list per slot and a bitmap of the slots in use), so arming and disarming it are O(1) whatever else is pending; one
/// due later sits in a min-heap. The thread sleeps until the first due time (whole milliseconds, rounded up), so a
/// timer fires never early and, on an idle machine, less than a millisecond late.</para>
/// <para>Everything is guarded by <c>_gate</c>, a spin lock held for a few instructions; the thread sleeps on a
/// separate monitor and an arming that must fire before the thread would wake wakes it. Callbacks run on this thread
/// after the lock is released, millisecond by millisecond, in the order they were armed within one. Each arming has a version: a timer re-armed or disarmed after it was
/// taken off the wheel but before its callback runs does not fire for the old arming.</para>
/// </remarks>
internal sealed partial class ClockThread
{
    /// <summary>The clock every supervisor without a <see cref="TimeProvider"/> of its own uses.</summary>
    public static readonly ClockThread Shared = new();

    /// <summary>Timers due sooner than this go into the wheel; later ones into the heap.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMilliseconds(Slots);

    private const int Slots = 4096; // a power of two: a tick's slot is its low bits
    private const int Mask = Slots - 1;

    private readonly long _tickLength = Stopwatch.Frequency / 1000;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly object _sleep = new();

    // Guarded by _gate. The wheel holds the ticks _cursor + 1 .. _cursor + Slots, one per slot; every tick up to
    // _cursor has fired. Expired timers (armed for a tick already fired) fire as soon as the thread gets to them.
    private SpinGate _gate;
    private readonly Timer?[] _wheel = new Timer?[Slots];
    private readonly ulong[] _occupied = new ulong[Slots / 64];
    private Timer? _expired;
    private Entry[] _heap = new Entry[16];
    private int _heapCount;
    private long _cursor;
    private int _pending;
    private long _sleepingUntil = long.MinValue; // when the thread will wake; MinValue while it is awake
    private bool _started;

    // Guarded by _sleep: a wake-up the thread has not seen yet.
    private bool _woken;

    private ClockThread() => _cursor = TickOf(_origin) - 1;

    [ThreadStatic]
    private static bool t_isClockThread;

    /// <summary>Whether the caller is a clock's thread, which must only hand work off (never create a thread, say).</summary>
    public static bool IsCurrentThread => t_isClockThread;

    /// <summary>Timers armed now (tests and the benchmark).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Creates a timer of this clock (timestamps are <see cref="Stopwatch"/> ones).</summary>
    public Timer CreateTimer(Action<object?> callback, object? state) => new(this, callback, state);

    private long TickOf(long timestamp) => (timestamp - _origin) / _tickLength;

    private void Arm(Timer timer, long due)
    {
        bool wake = false;
        _gate.Enter();
        try
        {
            timer.Version++;
            Remove(timer);
            timer.Due = due;
            long tick = TickOf(due);
            long fireAt;
            if (tick <= _cursor)
            {
                timer.Place = Placement.Expired;
                Link(ref _expired, timer);
                fireAt = long.MinValue;
            }
            else if (tick - _cursor <= Slots)
            {
                int slot = (int)(tick & Mask);
                timer.Place = Placement.Wheel;
                timer.Slot = slot;
                Link(ref _wheel[slot], timer);
                _occupied[slot >> 6] |= 1UL << slot;
                fireAt = due;
            }
            else
            {
                timer.Place = Placement.Heap;
                Push(timer);
                fireAt = due;
            }

            _pending++;
            if (!_started)
            {
                _started = true;
                new Thread(Run) { IsBackground = true, Name = "Atasker clock" }.UnsafeStart();
            }
            else if (fireAt < _sleepingUntil)
            {
                _sleepingUntil = fireAt;
                wake = true;
            }
        }
        finally
        {
            _gate.Exit();
        }

        if (wake)
        {
            lock (_sleep)
            {
                _woken = true;
                Monitor.Pulse(_sleep);
            }
        }
    }

    private bool Disarm(Timer timer)
    {
        // A timer is armed and disarmed by one owner at a time (under the owner's own lock): what the owner last did
        // is visible here, and only this thread's taking it off the wheel or heap can move it to None meanwhile. So a
        // timer already fired or taken (a delayed task's, when the task ends) is disarmed without the clock's lock.
        timer.Version++;
        if (timer.Place == Placement.None)
        {
            return false;
        }

        _gate.Enter();
        try
        {
            return Remove(timer);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Takes an armed timer out of wherever it waits; false when it was not armed.</summary>
    private bool Remove(Timer timer)
    {
        switch (timer.Place)
        {
            case Placement.Wheel:
                Unlink(ref _wheel[timer.Slot], timer);
                if (_wheel[timer.Slot] is null)
                {
                    _occupied[timer.Slot >> 6] &= ~(1UL << timer.Slot);
                }

                break;
            case Placement.Heap:
                RemoveAt(timer.HeapIndex);
                break;
            case Placement.Expired:
                Unlink(ref _expired, timer);
                break;
            default:
                return false;
        }

        timer.Place = Placement.None;
        _pending--;
        return true;
    }

    private void Run()
    {
        t_isClockThread = true;
        var due = new List<(Timer Timer, int Version)>();
        while (true)
        {
            long now;
            long wakeAt;
            _gate.Enter();
            try
            {
                now = Stopwatch.GetTimestamp();
                Collect(now, due);
                wakeAt = due.Count > 0 ? long.MinValue : NextWake();
                _sleepingUntil = wakeAt;
            }
            finally
            {
                _gate.Exit();
            }

            if (due.Count > 0)
            {
                foreach (var (timer, version) in due)
                {
                    timer.FireIfCurrent(version);
                }

                due.Clear();
                continue;
            }

            lock (_sleep)
            {
                if (!_woken)
                {
                    Monitor.Wait(_sleep, wakeAt == long.MaxValue ? Timeout.Infinite : MillisecondsUntil(wakeAt, now));
                }

                _woken = false;
            }
        }
    }

    /// <summary>Takes every timer that is due at <paramref name="now"/> off the expired list, the wheel (tick by tick)
    /// and the heap.</summary>
    private void Collect(long now, List<(Timer Timer, int Version)> due)
    {
        while (_expired is { } expired)
        {
            Take(expired, due);
        }

        // Ticks that have fully passed fire whole; the current one fires what is due by now, and stays in the wheel
        // (it is the cursor's next tick) until it has passed.
        long current = TickOf(now);
        if (current > _cursor)
        {
            long last = Math.Min(current, _cursor + Slots);
            for (long tick = NextOccupied(_cursor + 1, last); tick <= last; tick = NextOccupied(tick + 1, last))
            {
                TakeSlot((int)(tick & Mask), tick == current ? now : long.MaxValue, due);
            }

            _cursor = current - 1;
        }

        while (_heapCount > 0 && _heap[0].Due <= now)
        {
            Take(_heap[0].Timer, due);
        }
    }

    /// <summary>Takes the timers of one slot that are due by <paramref name="until"/>, in the order they were armed;
    /// the others stay, in their order.</summary>
    private void TakeSlot(int slot, long until, List<(Timer Timer, int Version)> due)
    {
        var head = _wheel[slot];
        if (head is null)
        {
            return;
        }

        var tail = head.Previous!;
        tail.Next = null; // open the ring: walk it from head to tail once
        _wheel[slot] = null;
        _occupied[slot >> 6] &= ~(1UL << slot);
        for (var timer = head; timer is not null;)
        {
            var next = timer.Next;
            timer.Next = null;
            timer.Previous = null;
            if (timer.Due <= until)
            {
                timer.Place = Placement.None;
                _pending--;
                due.Add((timer, timer.Version));
            }
            else
            {
                Link(ref _wheel[slot], timer);
                _occupied[slot >> 6] |= 1UL << slot;
            }

            timer = next;
        }
    }

    private void Take(Timer timer, List<(Timer Timer, int Version)> due)
    {
        Remove(timer);
        due.Add((timer, timer.Version));
    }

    /// <summary>The first tick from <paramref name="from"/> to <paramref name="last"/> whose slot holds timers, or
    /// <paramref name="last"/> + 1 when none does.</summary>
    private long NextOccupied(long from, long last)
    {
        long tick = from;
        while (tick <= last)
        {
            int slot = (int)(tick & Mask);
            ulong word = _occupied[slot >> 6] >> (slot & 63);
            if (word != 0)
            {
                long found = tick + BitOperations.TrailingZeroCount(word);
                return found <= last ? found : last + 1;
            }

            tick += 64 - (slot & 63); // the rest of this word is empty: on to the next word
        }

        return last + 1;
    }

    /// <summary>When the thread must wake next: the first due time in the first occupied tick, or the heap's first
    /// due time.</summary>
    private long NextWake()
    {
        long wake = long.MaxValue;
        long tick = NextOccupied(_cursor + 1, _cursor + Slots);
        if (tick <= _cursor + Slots)
        {
            var head = _wheel[(int)(tick & Mask)]!;
            var timer = head;
            do
            {
                wake = Math.Min(wake, timer.Due);
                timer = timer.Next!;
            }
            while (timer != head);
        }

        if (_heapCount > 0)
        {
            wake = Math.Min(wake, _heap[0].Due);
        }

        return wake;
    }

    /// <summary>A wait that ends at or just after <paramref name="due"/> (whole milliseconds, rounded up).</summary>
    private static int MillisecondsUntil(long due, long now)
    {
        double milliseconds = Math.Ceiling((due - now) * 1000.0 / Stopwatch.Frequency);
        return (int)Math.Clamp(milliseconds, 0, int.MaxValue);
    }

    internal enum Placement : byte
    {
        None,
        Wheel,
        Heap,
        Expired,
    }

    /// <summary>A timer of this clock. Its fields are guarded by the clock's lock.</summary>
    internal sealed class Timer : ClockTimer
    {
        private readonly ClockThread _clock;
        private int _version;

        public Timer(ClockThread clock, Action<object?> callback, object? state)
            : base(callback, state) => _clock = clock;

        internal Timer? Previous { get; set; }

        internal Timer? Next { get; set; }

        private int _place;

        internal Placement Place
        {
            get => (Placement)Volatile.Read(ref _place);
            set => Volatile.Write(ref _place, (int)value);
        }

        internal int Slot { get; set; }

        internal int HeapIndex { get; set; }

        internal long Due { get; set; }

        /// <summary>The arming's version; raised (atomically, by the owner or under the clock's lock) by every Arm
        /// and Disarm.</summary>
        internal int Version
        {
            get => Volatile.Read(ref _version);
            set => Interlocked.Exchange(ref _version, value);
        }

        public override void Arm(long due) => _clock.Arm(this, due);

        public override bool Disarm() => _clock.Disarm(this);

        public void FireIfCurrent(int version)
        {
            // Read without the lock: an Arm or Disarm that raced the firing may or may not stop it (Disarm said
            // false), and callers check their own state when their callback runs.
            if (Volatile.Read(ref _version) != version)
            {
                return;
            }

            try
            {
                Fire();
            }
#pragma warning disable CA1031 // Callbacks are Atasker's own and do not throw; the clock must outlive a bug in one.
            catch (Exception error)
#pragma warning restore CA1031
            {
                Debug.Fail($"A clock callback threw: {error}");
            }
        }
    }
}
