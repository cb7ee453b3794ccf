using System.Collections.Generic;

namespace Atasker;

/// <summary>
/// The FIFO of tasks of one priority waiting for a slot, linked through the tasks themselves (no allocation) with
/// O(1) removal for cancellation. Guarded by the owning pool's lock.
/// </summary>
/// <remarks>
/// For each queue-wait level it also keeps a cursor: the first task not yet checked against that level's threshold.
/// Tasks enter in time order, so every task before the cursor has waited longer than the threshold and was reported;
/// the watchdog advances the cursors and never rescans a task.
/// </remarks>
internal sealed class WaitQueue
{
    private TaskHandle? _head;
    private TaskHandle? _tail;
    private TaskHandle? _unwarned;
    private TaskHandle? _uncritical;

    public int Count { get; private set; }

    public void Enqueue(TaskHandle item)
    {
        item.QueueNext = null;
        item.QueuePrev = _tail;
        if (_tail is null)
        {
            _head = item;
        }
        else
        {
            _tail.QueueNext = item;
        }

        _tail = item;
        Count++;
        _unwarned ??= item;
        _uncritical ??= item;
    }

    public TaskHandle Dequeue()
    {
        var head = _head!;
        Remove(head);
        return head;
    }

    public void Remove(TaskHandle item)
    {
        var next = item.QueueNext;
        var previous = item.QueuePrev;
        if (previous is null)
        {
            _head = next;
        }
        else
        {
            previous.QueueNext = next;
        }

        if (next is null)
        {
            _tail = previous;
        }
        else
        {
            next.QueuePrev = previous;
        }

        if (_unwarned == item)
        {
            _unwarned = next;
        }

        if (_uncritical == item)
        {
            _uncritical = next;
        }

        item.QueueNext = null;
        item.QueuePrev = null;
        Count--;
    }

    /// <summary>
    /// Moves the <paramref name="level"/> cursor past every task that has waited at least
    /// <paramref name="threshold"/> (in timestamp ticks), adding each not yet reported to <paramref name="reports"/>.
    /// </summary>
    /// <returns>When the next task reaches the threshold, or <see cref="long.MaxValue"/> if none will.</returns>
    public long CollectOverdue(QueueWaitLevel level, long now, long threshold, SupervisorClock clock, ref List<QueueWaitReport>? reports)
    {
        if (threshold == long.MaxValue)
        {
            return long.MaxValue;
        }

        ref var cursor = ref level == QueueWaitLevel.Warning ? ref _unwarned : ref _uncritical;
        while (cursor is not null && now - cursor.EnqueuedTicks >= threshold)
        {
            QueueWaitReport.AddIfNew(ref reports, cursor, level, now, clock);
            cursor = cursor.QueueNext;
        }

        return cursor is null ? long.MaxValue : cursor.EnqueuedTicks + threshold;
    }

    /// <summary>Walks the queue (for <see cref="PriorityAdmission.AssertInvariants"/>): every task is Waiting, of
    /// <paramref name="priority"/>, linked both ways, and the count and the cursors agree; returns the count.</summary>
    public int Walk(TaskPriority priority, string pool)
    {
        int count = 0;
        bool unwarnedSeen = _unwarned is null, uncriticalSeen = _uncritical is null;
        TaskHandle? previous = null;
        for (var item = _head; item is not null; previous = item, item = item.QueueNext)
        {
            Require(item.Admission == AdmissionStatus.Waiting && item.Priority == priority, $"{item} in the {priority} queue is {item.Admission}");
            Require(item.QueuePrev == previous, $"{item} in the {priority} queue links back to {item.QueuePrev}, not {previous}");
            unwarnedSeen |= item == _unwarned;
            uncriticalSeen |= item == _uncritical;
            count++;
        }

        Require(_tail == previous, $"the {priority} queue ends at {previous}, its tail says {_tail}");
        Require(count == Count, $"{count} tasks in the {priority} queue, {Count} counted");
        Require(unwarnedSeen && uncriticalSeen, $"a queue-wait cursor of the {priority} queue points at a task not in it");
        return count;

        void Require(bool condition, string broken)
        {
            if (!condition)
            {
                throw new System.InvalidOperationException($"The {pool} pool broke an invariant: {broken}.");
            }
        }
    }
}
