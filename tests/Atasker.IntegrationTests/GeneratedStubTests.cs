using System.Runtime.CompilerServices;

namespace Atasker.IntegrationTests;

public sealed class GeneratedStubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_instance_stub_runs_the_body_on_the_default_supervisor_with_the_attribute_priority()
    {
        var calculator = new Calculator();

        var handle = calculator.StartSquare(7);

        Assert.Equal(49, await handle);
        Assert.Equal(1, calculator.Calls);
        Assert.Equal(TaskPriority.High, handle.Priority);
        Assert.Equal(TaskKind.Thread, handle.Kind);
        Assert.Same(TaskSupervisor.Default, handle.Supervisor);
        Assert.Equal("Calculator.Square", handle.Name);
        Assert.Equal(9, calculator.Square(3));
    }

    [Fact]
    public void Options_override_the_priority_and_choose_the_supervisor()
    {
        using var supervisor = new TaskSupervisor("integration");

        var handle = new Calculator().StartSquare(4, new TaskOptions { Priority = TaskPriority.Low, Supervisor = supervisor });

        Assert.Equal(16, handle.Wait(Patience));
        Assert.Equal(TaskPriority.Low, handle.Priority);
        Assert.Same(supervisor, handle.Supervisor);
    }

    [Fact]
    public void Static_stubs_with_params_generic_methods_and_the_async_suffix_work()
    {
        Assert.Equal("a-b-c", Calculator.StartJoin("-", "a", "b", "c").Wait(Patience));
        Assert.Equal("x", new Calculator().StartIdentity("x").Wait(Patience));
        Assert.Equal(TaskPriority.Low, new Calculator().StartIdentity(5).Priority);
        Assert.Equal(5L, new Calculator().StartSum(2, 3).Wait(Patience));
        Assert.Equal("abab", new Calculator().StartDescribe("ab").Wait(Patience));
        Assert.Equal("aaa", new Calculator().StartDescribe("a", 3).Wait(Patience));
    }

    [Fact]
    public void The_attribute_delay_is_honoured()
    {
        var log = new List<string>();

        var handle = new Calculator().StartRecord(log, "entry");

        Assert.Equal(TaskState.Delayed, handle.State);
        handle.Wait(Patience);
        Assert.Equal(["entry"], log);
        Assert.True(handle.StartedAt - handle.QueuedAt >= TimeSpan.FromMilliseconds(45));
    }

    [Fact]
    public async Task The_trailing_cancellation_token_is_the_tasks_own()
    {
        using var started = new ManualResetEventSlim();
        var handle = new Calculator().StartWaitForCancel(started);
        Assert.True(started.Wait(Patience));

        handle.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await handle);
        Assert.Equal(TaskState.Canceled, handle.State);
    }

    [Fact]
    public void A_body_that_throws_faults_its_handle()
    {
        var handle = new Calculator().StartDivide(1, 0);

        Assert.Throws<DivideByZeroException>(() => handle.Wait(Patience));
        Assert.IsType<DivideByZeroException>(handle.Exception);
    }

    [Fact]
    public void Structs_records_and_generic_types_get_stubs_too()
    {
        var accumulator = new Outer.Accumulator { Seed = 10 };
        var handle = accumulator.StartAdd(5);
        accumulator.Seed = 1000;

        Assert.Equal(15, handle.Wait(Patience));
        Assert.Equal("Hello, Ada", new Greeting("Ada").StartSay().Wait(Patience));
        Assert.Equal(3.5, new Box<double>().StartGet(3.5).Wait(Patience));
    }

    [Fact]
    public void Attribute_priorities_decide_the_order_waiting_tasks_start_in()
    {
        using var supervisor = new TaskSupervisor("ordered");
        supervisor.SetThreadPool(1);
        var options = new TaskOptions { Supervisor = supervisor };
        var log = new List<string>();
        var ordered = new Ordered(log);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var hold = ordered.StartHold(started, release, options);
        Assert.True(started.Wait(Patience));
        var handles = new[]
        {
            ordered.StartLow("low1", options), ordered.StartNormal("normal", options), ordered.StartHigh("high", options), ordered.StartLow("low2", options),
        };
        Assert.Equal(4, supervisor.GetInfo().Thread.Queued);

        release.Set();
        TaskHandle.WaitCompleted(handles.Append(hold), Patience);

        Assert.Equal(["high", "normal", "low1", "low2"], log);
    }

    [Fact]
    public void A_stub_s_submission_allocates_its_handle_alone_and_the_handle_is_at_most_128_bytes()
    {
        // The body of a sync stub is a struct type argument, not a delegate field: a handle with no argument or one
        // reference is 128 bytes. Measured into a pool held full, so nothing runs on this thread meanwhile; the first
        // round grows the registry's arrays (kept for the next rounds) and compiles the path.
        using var supervisor = new TaskSupervisor("allocation");
        supervisor.SetThreadPool(1);
        var options = new TaskOptions { Supervisor = supervisor };
        var box = new StrongBox<int>();
        const int Count = 8192;
        var handles = new TaskHandle[Count];
        var perTask = new List<(double Tick, double TickBy, double Delegate)>();
        for (int round = 0; round < 5; round++)
        {
            perTask.Add((
                BytesPerTask(supervisor, options, handles, () => Ticks.StartTick(options)),
                BytesPerTask(supervisor, options, handles, () => Ticks.StartTickBy(box, options)),
                BytesPerTask(supervisor, options, handles, () => supervisor.Submit(static () => { }, options))));
        }

        // Whole bytes per task, the least of the rounds after the first: a few bytes of the pool's own bookkeeping per
        // round spread over the tasks, or an allocation of the runtime's on this thread now and then (seen under the
        // coverage collector), are not the handle (a delegate field would make it 136 in every round).
        var rest = perTask.Skip(1).ToList();
        var least = (Tick: rest.Min(r => r.Tick), TickBy: rest.Min(r => r.TickBy), Delegate: rest.Min(r => r.Delegate));
        Assert.True(Math.Floor(least.Tick) <= 128, $"StartTick() allocates {least.Tick} bytes per task");
        Assert.True(Math.Floor(least.TickBy) <= 128, $"StartTickBy(box) allocates {least.TickBy} bytes per task");
        Assert.True(Math.Floor(least.Delegate) <= 128, $"Submit(Action) allocates {least.Delegate} bytes per task");
        Assert.Equal(5 * Count, box.Value);
    }

    /// <summary>Bytes this thread allocates per <paramref name="submit"/>, filling <paramref name="handles"/> while the
    /// pool is held full (nothing runs meanwhile), then lets the tasks run and waits for them.</summary>
    private static double BytesPerTask(TaskSupervisor supervisor, TaskOptions options, TaskHandle[] handles, Func<TaskHandle> submit)
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var hold = supervisor.Submit(() => { started.Set(); release.Wait(); }, options);
        Assert.True(started.Wait(Patience));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < handles.Length; i++)
        {
            handles[i] = submit();
        }

        double bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        release.Set();
        Assert.Equal(handles.Length, TaskHandle.WaitCompleted(handles, Patience).Length);
        hold.Wait(Patience);
        return bytes / handles.Length;
    }
}
