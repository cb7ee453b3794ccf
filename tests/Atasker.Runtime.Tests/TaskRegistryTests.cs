namespace Atasker.Runtime.Tests;

/// <summary>The supervisor's registry of unfinished tasks: striped slot arrays, a slot remembered in each handle.</summary>
public sealed class TaskRegistryTests
{
    private static readonly TaskSupervisor Owner = new("registry-tests");
    private static long s_id;

    [Fact]
    public void Tasks_added_and_removed_by_many_threads_in_any_order_leave_exactly_the_ones_still_there()
    {
        var registry = new TaskRegistry();
        const int Threads = 4, Each = 5_000;
        var kept = new List<TaskHandle>[Threads];
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var mine = new List<TaskHandle>();
            start.SignalAndWait();
            for (int i = 0; i < Each; i++)
            {
                var task = NewTask();
                if (registry.TryAdd(task))
                {
                    mine.Add(task);
                }

                // Remove a random earlier one now and then: slots are freed and reused out of order.
                if (mine.Count > 0 && random.Next(3) != 0)
                {
                    int at = random.Next(mine.Count);
                    registry.Remove(mine[at]);
                    registry.Remove(mine[at]); // twice: the second does nothing
                    mine.RemoveAt(at);
                }
            }

            kept[t] = mine;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var expected = kept.SelectMany(k => k).Select(t => t.Id).Order().ToList();
        Assert.Equal(expected, registry.Snapshot().Select(t => t.Id).Order().ToList());
        Assert.All(kept.SelectMany(k => k), task => Assert.Same(task, registry.Find(task.Id)));

        var drained = registry.Close();
        Assert.False(drained.IsDone);
        Assert.False(registry.TryAdd(NewTask()), "a closed registry took a task");
        foreach (var task in kept.SelectMany(k => k))
        {
            registry.Remove(task);
        }

        Assert.True(drained.IsDone, "removing the last task did not signal the drain");
        Assert.Empty(registry.Snapshot());
        registry.Open();
        var again = NewTask();
        Assert.True(registry.TryAdd(again));
        Assert.Same(again, registry.Find(again.Id));
    }

    private static TaskHandle NewTask()
    {
        var pool = Owner.Pools.Thread;
        var handle = new FuncTask<int, int>(0, static (value, _) => value);
        handle.Initialize(pool, Interlocked.Increment(ref s_id), "t", TaskPriority.Normal, TaskKind.Thread, observesCancellation: false, delayed: false);
        return handle;
    }
}
