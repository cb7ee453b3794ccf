namespace Atasker.Runtime.Tests;

public sealed class StressTests
{
    [Fact]
    public void A_hundred_thousand_tasks_from_eight_producers_each_end_exactly_once()
    {
        const int producers = 8;
        const int perProducer = 12_500;
        var supervisor = Supervisors.Create(4, 2, 2);
        var runs = new int[producers * perProducer];
        var handles = new TaskHandle<int>[producers * perProducer];
        using var start = new Barrier(producers);

        var threads = Enumerable.Range(0, producers).Select(producer => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < perProducer; i++)
            {
                int index = (producer * perProducer) + i;
                handles[index] = supervisor.Submit(() => Interlocked.Increment(ref runs[index]), new TaskOptions { Priority = (TaskPriority)(index % 4) });
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => Assert.True(thread.Join(Probe.Patience)));

        var results = TaskHandle.WaitCompleted(handles, TimeSpan.FromSeconds(60));

        Assert.All(results, result => Assert.Equal(1, result));
        Assert.All(runs, count => Assert.Equal(1, count));
        var info = supervisor.GetInfo().Thread;
        Assert.Equal((0, 0), (info.Active, info.Queued));
        Assert.Null(supervisor.GetTask(handles[^1].Id));
        supervisor.Stop();
    }
}
