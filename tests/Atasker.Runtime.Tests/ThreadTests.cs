using System.Diagnostics;

namespace Atasker.Runtime.Tests;

public sealed class ThreadTests
{
    [Fact]
    public void Thread_tasks_run_on_the_supervisors_own_threads_not_the_dotnet_thread_pool()
    {
        var supervisor = new TaskSupervisor("own-threads");

        var (isPoolThread, name, background) = supervisor.Submit(() => (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name, Thread.CurrentThread.IsBackground)).Wait(Probe.Patience);

        Assert.False(isPoolThread);
        Assert.Equal("Atasker own-threads", name);
        Assert.True(background);
        supervisor.Stop();
    }

    [Fact]
    public void Sixty_four_blocking_tasks_in_a_64_slot_pool_all_start_promptly()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(64);
        using var allStarted = new CountdownEvent(64);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        var clock = Stopwatch.StartNew();

        var handles = Enumerable.Range(0, 64).Select(i => supervisor.Submit(token =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            allStarted.Signal();
            return probe.Blocking($"t{i}")(token);
        })).ToList();

        Assert.True(allStarted.Wait(Probe.Patience));
        var elapsed = clock.Elapsed;
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"64 blocking tasks took {elapsed} to start.");
        Assert.Equal(64, threads.Count);
        Assert.Equal(64, supervisor.GetInfo().Thread.Active);
        probe.Open();
        supervisor.Stop();
        Assert.All(handles, handle => Assert.Equal(TaskState.Completed, handle.State));
    }

    [Fact]
    public void Blocking_tasks_do_not_starve_the_dotnet_thread_pool()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(0);
        ThreadPool.GetMinThreads(out int minWorkers, out _);
        for (int i = 0; i < minWorkers * 4; i++)
        {
            supervisor.Submit(probe.Blocking($"t{i}"));
        }

        probe.WaitForStarts(minWorkers * 4);
        Assert.True(Task.Run(() => 1).Wait(TimeSpan.FromSeconds(5)), "A Task.Run work item could not start while supervisor tasks block.");
        probe.Open();
        supervisor.Stop();
    }

    [Fact]
    public void Idle_threads_retire_and_new_ones_are_created_on_demand()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(4);
        supervisor.ThreadIdleTimeout = TimeSpan.FromMilliseconds(100);
        var first = Enumerable.Range(0, 4).Select(i => supervisor.Submit(probe.Blocking($"a{i}"))).ToList();
        probe.WaitForStarts(4);
        Assert.Equal(4, supervisor.ThreadCount);

        probe.Open();
        TaskHandle.WaitCompleted(first, Probe.Patience);
        Supervisors.Eventually(() => supervisor.ThreadCount == 0, "every idle thread retired");

        Assert.Equal(5, supervisor.Submit(() => 5).Wait(Probe.Patience));
        supervisor.Stop();
        Supervisors.Eventually(() => supervisor.ThreadCount == 0, "stop let the threads go");
    }

    [Fact]
    public void Kept_threads_are_created_at_once_serve_a_burst_of_blocking_bodies_and_never_retire()
    {
        var supervisor = Supervisors.Create(64);
        supervisor.ThreadIdleTimeout = TimeSpan.FromMilliseconds(50);

        supervisor.SetMinThreads(64);
        Assert.Equal(64, supervisor.MinThreads);
        Assert.Equal(64, supervisor.ThreadCount);
        Assert.Equal(64, supervisor.ThreadsCreated);

        // Several idle timeouts later the kept threads are all there, and a burst that needs every one of them starts
        // without a thread being created.
        for (int round = 0; round < 3; round++)
        {
            using var probe = new Probe();
            var handles = Enumerable.Range(0, 64).Select(i => supervisor.Submit(probe.Blocking($"t{i}"))).ToList();
            probe.WaitForStarts(64);
            Assert.Equal(64, supervisor.ThreadsCreated);
            probe.Open();
            TaskHandle.WaitCompleted(handles, Probe.Patience);

            // Six idle timeouts with nothing to do: no kept thread may retire meanwhile.
            Assert.False(SpinWait.SpinUntil(() => supervisor.ThreadCount < 64, TimeSpan.FromMilliseconds(300)), "a kept thread retired");
        }

        supervisor.Stop();
        Supervisors.Eventually(() => supervisor.ThreadCount == 0, "stop let the kept threads go");
        supervisor.Start();
        Assert.Equal(64, supervisor.ThreadCount); // kept again after the restart
        supervisor.Stop();
    }

    [Fact]
    public void Threads_beyond_the_kept_ones_retire_when_idle()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(8);
        supervisor.ThreadIdleTimeout = TimeSpan.FromMilliseconds(50);
        supervisor.SetMinThreads(2);

        var handles = Enumerable.Range(0, 8).Select(i => supervisor.Submit(probe.Blocking($"t{i}"))).ToList();
        probe.WaitForStarts(8);
        Assert.Equal(8, supervisor.ThreadCount);
        probe.Open();
        TaskHandle.WaitCompleted(handles, Probe.Patience);

        Supervisors.Eventually(() => supervisor.ThreadCount == 2, "the threads beyond the two kept retired");
        supervisor.SetMinThreads(0);
        Supervisors.Eventually(() => supervisor.ThreadCount == 0, "no thread kept: the last two retired");
        supervisor.Stop();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(32_768)]
    public void Keeping_a_bad_number_of_threads_is_refused_naming_the_supervisor(int threads)
    {
        var supervisor = Supervisors.Create(4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetMinThreads(threads));

        Assert.Equal("threads", error.ParamName);
        Assert.Contains(supervisor.Id, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, supervisor.MinThreads);
        supervisor.Stop();
    }

    [Fact]
    public void A_burst_of_short_tasks_in_an_unlimited_pool_does_not_create_a_thread_per_task()
    {
        var supervisor = Supervisors.Create(0);
        int ran = 0;

        var handles = Enumerable.Range(0, 20_000).Select(_ => supervisor.Submit(() => Interlocked.Increment(ref ran))).ToList();
        TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.Equal(20_000, ran);
        // A thread is created only when the ready tasks outnumber the threads looking for work or on their way to it:
        // 14-25 alone on two cores, more when other processes preempt threads inside bodies, never one per task.
        Assert.InRange(supervisor.ThreadsCreated, 1, 256);
        supervisor.Stop();
    }

    [Fact]
    public void A_critical_task_gets_a_thread_even_when_every_thread_is_blocked()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(Environment.ProcessorCount * 2);
        var blockers = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(i => supervisor.Submit(probe.Blocking($"b{i}"))).ToList();
        probe.WaitForStarts(blockers.Count);
        int threadsBefore = supervisor.ThreadCount;

        var critical = supervisor.Submit(() => Environment.CurrentManagedThreadId, new TaskOptions { Priority = TaskPriority.Critical });

        critical.Wait(Probe.Patience);
        Assert.True(supervisor.ThreadCount > threadsBefore);
        probe.Open();
        supervisor.Stop();
    }

    [Fact]
    public void Threads_are_reused_rather_than_created_per_task()
    {
        var supervisor = Supervisors.Create(2);
        for (int round = 0; round < 50; round++)
        {
            TaskHandle.WaitCompleted(Enumerable.Range(0, 4).Select(_ => supervisor.Submit(() => 0)), Probe.Patience);
        }

        Assert.InRange(supervisor.ThreadCount, 1, 4);
        supervisor.Stop();
    }
}
