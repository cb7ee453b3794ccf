namespace Atasker.IntegrationTests;

public sealed class AsyncStubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_async_partial_task_runs_on_the_default_loop_and_returns_its_result()
    {
        var handle = new Crawler().StartFetch("https://example.com");

        Assert.Equal("Data from https://example.com on Atasker loop default", await handle.Completion.WaitAsync(Patience));
        Assert.Equal(TaskKind.Async, handle.Kind);
        Assert.Equal("Crawler.FetchAsync", handle.Name);
        Assert.Contains("default", TaskSupervisor.Default.GetInfo().Loops);
    }

    [Fact]
    public async Task The_attributes_loop_and_priority_are_used()
    {
        await using var supervisor = new TaskSupervisor("crawling");
        var loop = supervisor.CreateLoop("crawl");
        int loopThread = loop.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));

        var handle = new Crawler().StartThreadOfLoop(new TaskOptions { Supervisor = supervisor });

        Assert.Equal(loopThread, await handle);
        Assert.Equal(TaskPriority.High, handle.Priority);
        Assert.Throws<ArgumentException>(() => new Crawler().StartThreadOfLoop(new TaskOptions { Supervisor = new TaskSupervisor() }));
    }

    [Fact]
    public async Task ValueTask_bodies_run_as_async_tasks()
    {
        var log = new List<string>();
        await using var supervisor = new TaskSupervisor();
        var options = new TaskOptions { Supervisor = supervisor };

        Assert.Equal(5, await new Crawler().StartMeasure("hello", options));
        var appends = Enumerable.Range(0, 50).Select(i => Crawler.StartAppend(log, $"e{i}", options)).ToList();
        TaskHandle.WaitCompleted(appends, Patience);

        Assert.Equal(50, log.Count);
    }

    [Fact]
    public async Task Kind_thread_runs_an_async_body_on_the_supervisors_threads()
    {
        await using var supervisor = new TaskSupervisor("threads");

        var handle = new Crawler().StartOnThread(new TaskOptions { Supervisor = supervisor });

        Assert.Equal("Atasker threads", await handle);
        Assert.Equal(TaskKind.Thread, handle.Kind);
        Assert.Empty(supervisor.GetInfo().Loops);
    }

    [Fact]
    public async Task Cancel_reaches_a_running_generated_async_task_through_its_token()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = new Crawler().StartWaitForCancel(started);
        await started.Task.WaitAsync(Patience);

        handle.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.Completion.WaitAsync(Patience));
        Assert.Equal(TaskState.Canceled, handle.State);
    }

    [Fact]
    public async Task An_async_failure_faults_the_generated_tasks_handle()
    {
        var handle = new Crawler().StartFail("nope");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => handle.Completion.WaitAsync(Patience));

        Assert.Equal("nope", error.Message);
        Assert.Equal(TaskState.Faulted, handle.State);
    }
}
