using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics;
using System.Threading;

namespace Atasker;

/// <content>The two structures timers wait in, under the clock's lock: the wheel's circular lists (one per slot, in arming order) and the heap of far timers (ordered by due time, each timer knowing its index).</content>
internal sealed partial class ClockThread
{
    /// <summary>Appends to a circular doubly linked list (the head's Previous is the tail), so timers due in the same
    /// millisecond fire in the order they were armed.</summary>
    private static void Link(ref Timer? head, Timer timer)
    {
        if (head is null)
        {
            timer.Next = timer;
            timer.Previous = timer;
            head = timer;
            return;
        }

        var tail = head.Previous!;
        timer.Previous = tail;
        timer.Next = head;
        tail.Next = timer;
        head.Previous = timer;
    }

    private static void Unlink(ref Timer? head, Timer timer)
    {
        if (timer.Next == timer)
        {
            head = null;
        }
        else
        {
            timer.Previous!.Next = timer.Next;
            timer.Next!.Previous = timer.Previous;
            if (head == timer)
            {
                head = timer.Next;
            }
        }

        timer.Next = null;
        timer.Previous = null;
    }

    private void Push(Timer timer)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heapCount * 2);
        }

        _heap[_heapCount] = new Entry(timer.Due, timer);
        timer.HeapIndex = _heapCount;
        SiftUp(_heapCount++);
    }

    private void RemoveAt(int index)
    {
        int last = --_heapCount;
        if (index != last)
        {
            _heap[index] = _heap[last];
            _heap[index].Timer.HeapIndex = index;
            _heap[last] = default;
            if (index > 0 && _heap[index].Due < _heap[(index - 1) / 2].Due)
            {
                SiftUp(index);
            }
            else
            {
                SiftDown(index);
            }
        }
        else
        {
            _heap[last] = default;
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

            Move(parent, index);
            index = parent;
        }

        _heap[index] = entry;
        entry.Timer.HeapIndex = index;
    }

    private void SiftDown(int index)
    {
        var entry = _heap[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && _heap[child + 1].Due < _heap[child].Due)
            {
                child++;
            }

            if (entry.Due <= _heap[child].Due)
            {
                break;
            }

            Move(child, index);
            index = child;
        }

        _heap[index] = entry;
        entry.Timer.HeapIndex = index;
    }

    private void Move(int from, int to)
    {
        _heap[to] = _heap[from];
        _heap[to].Timer.HeapIndex = to;
    }

    /// <summary>A heap slot: the due time beside the timer, so comparisons stay in the array.</summary>
    private readonly record struct Entry(long Due, Timer Timer);
}
