using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Atasker;

/// <summary>
/// The thread that fires Atasker's timers: one for the process, started with the first timer, sleeping until the
/// earliest due time (never polling) and never on the .NET ThreadPool, so a starved ThreadPool delays no delayed task,
/// worker interval, queue-wait threshold or stop grace period.
/// </summary>
/// <remarks>
/// <para>Armed timers live in a binary min-heap ordered by due time; each timer knows its index, so arming, re-arming
/// and disarming are O(log n) with no allocation (the benchmark keeps 100,000 pending). Guarded by <c>_gate</c>, which
/// the thread also waits on: an arming that becomes the earliest while the thread sleeps for a later one wakes it.</para>
/// <para>Callbacks run on this thread after the lock is released, in due order. Each arming has a version: a timer
/// re-armed or disarmed after it was taken off the heap but before its callback runs does not fire for the old
/// arming.</para>
/// </remarks>
internal sealed class ClockThread
{
    /// <summary>The clock every supervisor without a <see cref="TimeProvider"/> of its own uses.</summary>
    public static readonly ClockThread Shared = new();

    private readonly object _gate = new();

    // Guarded by _gate.
    private Entry[] _heap = new Entry[64];
    private int _count;
    private bool _started;
    private long _sleepingUntil = long.MinValue; // the due time the thread sleeps for; MinValue while it is awake

    /// <summary>Timers armed now (tests and the benchmark).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Creates a timer of this clock (timestamps are <see cref="Stopwatch"/> ones).</summary>
    public Timer CreateTimer(Action<object?> callback, object? state) => new(this, callback, state);

    private void Arm(Timer timer, long due)
    {
        lock (_gate)
        {
            timer.Version++;
            timer.Due = due;
            if (timer.Index >= 0)
            {
                Restore(timer.Index);
            }
            else
            {
                if (_count == _heap.Length)
                {
                    Array.Resize(ref _heap, _count * 2);
                }

                timer.Index = _count;
                _heap[_count++] = new Entry(due, timer);
                SiftUp(timer.Index);
            }

            if (!_started)
            {
                _started = true;
                new Thread(Run) { IsBackground = true, Name = "Atasker clock" }.UnsafeStart();
            }
            else if (_heap[0].Timer == timer && due < _sleepingUntil)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private bool Disarm(Timer timer)
    {
        lock (_gate)
        {
            timer.Version++;
            if (timer.Index < 0)
            {
                return false;
            }

            RemoveAt(timer.Index);
            return true;
        }
    }

    private void Run()
    {
        var due = new List<(Timer Timer, int Version)>();
        while (true)
        {
            lock (_gate)
            {
                while (true)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (_count > 0 && _heap[0].Due <= now)
                    {
                        while (_count > 0 && _heap[0].Due <= now)
                        {
                            var timer = _heap[0].Timer;
                            RemoveAt(0);
                            due.Add((timer, timer.Version));
                        }

                        break;
                    }

                    _sleepingUntil = _count > 0 ? _heap[0].Due : long.MaxValue;
                    Monitor.Wait(_gate, _count > 0 ? MillisecondsUntil(_sleepingUntil, now) : Timeout.Infinite);
                    _sleepingUntil = long.MinValue;
                }
            }

            foreach (var (timer, version) in due)
            {
                timer.FireIfCurrent(version);
            }

            due.Clear();
        }
    }

    /// <summary>A wait that ends at or just after <paramref name="due"/> (whole milliseconds, rounded up).</summary>
    private static int MillisecondsUntil(long due, long now)
    {
        double milliseconds = Math.Ceiling((due - now) * 1000.0 / Stopwatch.Frequency);
        return (int)Math.Clamp(milliseconds, 1, int.MaxValue);
    }

    private void RemoveAt(int index)
    {
        _heap[index].Timer.Index = -1;
        int last = --_count;
        if (index != last)
        {
            _heap[index] = _heap[last];
            _heap[index].Timer.Index = index;
            _heap[last] = default;
            Restore(index);
        }
        else
        {
            _heap[last] = default;
        }
    }

    /// <summary>Moves the entry at <paramref name="index"/> (whose due time changed) to where it belongs.</summary>
    private void Restore(int index)
    {
        _heap[index] = new Entry(_heap[index].Timer.Due, _heap[index].Timer);
        if (index > 0 && _heap[index].Due < _heap[(index - 1) / 2].Due)
        {
            SiftUp(index);
        }
        else
        {
            SiftDown(index);
        }
    }

    private void SiftUp(int index)
    {
        var entry = _heap[index];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (_heap[parent].Due <= entry.Due)
            {
                break;
            }

            Place(parent, index);
            index = parent;
        }

        _heap[index] = entry;
        entry.Timer.Index = index;
    }

    private void SiftDown(int index)
    {
        var entry = _heap[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1].Due < _heap[child].Due)
            {
                child++;
            }

            if (entry.Due <= _heap[child].Due)
            {
                break;
            }

            Place(child, index);
            index = child;
        }

        _heap[index] = entry;
        entry.Timer.Index = index;
    }

    private void Place(int from, int to)
    {
        _heap[to] = _heap[from];
        _heap[to].Timer.Index = to;
    }

    /// <summary>A heap slot: the due time beside the timer, so comparisons stay in the array.</summary>
    private readonly record struct Entry(long Due, Timer Timer);

    /// <summary>A timer of this clock. Its fields are guarded by the clock's lock.</summary>
    internal sealed class Timer : ClockTimer
    {
        private readonly ClockThread _clock;

        public Timer(ClockThread clock, Action<object?> callback, object? state)
            : base(callback, state) => _clock = clock;

        public int Index { get; set; } = -1;

        public long Due { get; set; }

        private int _version;

        public int Version
        {
            get => _version;
            set => Volatile.Write(ref _version, value);
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
