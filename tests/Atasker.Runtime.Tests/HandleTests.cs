using System.Runtime.CompilerServices;
using Atasker.CompilerServices;

namespace Atasker.Runtime.Tests;

public sealed class HandleTests
{
    private readonly TaskSupervisor _supervisor = new("handles");

    [Fact]
    public async Task A_handle_carries_its_result_to_await_wait_result_and_completion()
    {
        var handle = _supervisor.Submit(() => "done", new TaskOptions { Name = "work" });

        Assert.Equal("done", await handle);
        Assert.Equal("done", handle.Wait());
        Assert.Equal("done", handle.Result);
        Assert.Equal("done", await handle.Completion);
        Assert.Same(handle.Completion, handle.Completion);
        Assert.Same(handle.Completion, ((TaskHandle)handle).Completion);
        Assert.Equal(TaskState.Completed, handle.State);
        Assert.Null(handle.Exception);
        Assert.Equal("work", handle.Name);
        Assert.Equal(TaskKind.Thread, handle.Kind);
        Assert.Same(_supervisor, handle.Supervisor);
    }

    [Fact]
    public async Task A_failure_stays_on_the_handle_and_is_rethrown_unwrapped_with_its_stack()
    {
        var handle = _supervisor.Submit<int>(() => Fail("broken"));

        var awaited = await Assert.ThrowsAsync<FormatException>(async () => await handle);
        var waited = Assert.Throws<FormatException>(() => handle.Wait());
        var read = Assert.Throws<FormatException>(() => handle.Result);

        Assert.Equal(TaskState.Faulted, handle.State);
        Assert.Same(awaited, handle.Exception);
        Assert.Same(awaited, waited);
        Assert.Same(awaited, read);
        Assert.Contains(nameof(Fail), awaited.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Result_before_the_end_is_an_error_that_names_the_task()
    {
        using var probe = new Probe();
        var handle = _supervisor.Submit(probe.Blocking("slow"), new TaskOptions { Name = "slow-report" });
        probe.WaitForStarts(1);

        var error = Assert.Throws<InvalidOperationException>(() => handle.Result);
        Assert.Contains("slow-report", error.Message, StringComparison.Ordinal);
        var timeout = Assert.Throws<TimeoutException>(() => handle.Wait(TimeSpan.FromMilliseconds(10)));
        Assert.Contains("slow-report", timeout.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => handle.Wait(TimeSpan.FromSeconds(-2)));

        probe.Open();
        Assert.Equal("slow", handle.Wait(Probe.Patience));
    }

    [Fact]
    public void Timestamps_follow_the_life_of_the_task()
    {
        using var probe = new Probe();
        var before = DateTimeOffset.UtcNow;
        var handle = _supervisor.Submit(probe.Blocking("timed"));
        probe.WaitForStarts(1);

        Assert.Null(handle.CompletedAt);
        Assert.NotNull(handle.StartedAt);
        probe.Open();
        handle.Wait(Probe.Patience);

        Assert.InRange(handle.QueuedAt, before, handle.StartedAt!.Value);
        Assert.InRange(handle.CompletedAt!.Value, handle.StartedAt.Value, DateTimeOffset.UtcNow);
    }

    [Fact]
    public void A_stream_of_tasks_never_starts_before_it_was_queued_or_ends_before_it_started()
    {
        var handles = new List<TaskHandle<int>>();
        for (int i = 0; i < 5_000; i++)
        {
            handles.Add(_supervisor.Submit(() => i));
        }

        TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.All(handles, handle =>
        {
            Assert.True(handle.QueuedAt <= handle.StartedAt, $"{handle} started at {handle.StartedAt:O}, queued at {handle.QueuedAt:O}");
            Assert.True(handle.StartedAt <= handle.CompletedAt, $"{handle} completed at {handle.CompletedAt:O}, started at {handle.StartedAt:O}");
        });
    }

    [Fact]
    public void GetTask_finds_unfinished_tasks_and_forgets_finished_ones()
    {
        using var probe = new Probe();
        var handle = _supervisor.Submit(probe.Blocking("kept"));
        probe.WaitForStarts(1);

        Assert.Same(handle, _supervisor.GetTask(handle.Id));
        probe.Open();
        handle.Wait(Probe.Patience);
        Assert.Null(_supervisor.GetTask(handle.Id));
        Assert.Null(_supervisor.GetTask(-1));
    }

    [Fact]
    public void WaitCompleted_returns_results_in_input_order_within_one_deadline()
    {
        using var probe = new Probe();
        var slow = _supervisor.Submit(probe.Blocking("slow"));
        var fast = _supervisor.Submit(() => "fast");
        var nothing = _supervisor.Submit(() => { });
        probe.WaitForStarts(1);

        Assert.Throws<TimeoutException>(() => TaskHandle.WaitCompleted([slow, fast], TimeSpan.FromMilliseconds(20)));
        probe.Open();

        Assert.Equal(["slow", "fast"], TaskHandle.WaitCompleted([slow, fast], Probe.Patience));
        Assert.Equal(new object?[] { "fast", null, "slow" }, TaskHandle.WaitCompleted(new TaskHandle[] { fast, nothing, slow }, Probe.Patience));
        Assert.Empty(TaskHandle.WaitCompleted(Array.Empty<TaskHandle<int>>()));
    }

    [Fact]
    public void WaitCompleted_rethrows_the_first_failure_in_input_order_and_rejects_nulls()
    {
        var ok = _supervisor.Submit(() => 1);
        var first = _supervisor.Submit<int>(() => throw new InvalidDataException("first"));
        var second = _supervisor.Submit<int>(() => throw new FormatException("second"));

        var error = Assert.Throws<InvalidDataException>(() => TaskHandle.WaitCompleted([ok, first, second], Probe.Patience));
        Assert.Equal("first", error.Message);
        Assert.Throws<ArgumentNullException>(() => TaskHandle.WaitCompleted<int>(null!));
        var nullItem = Assert.Throws<ArgumentNullException>(() => TaskHandle.WaitCompleted([ok, null!]));
        Assert.Contains("position 1", nullItem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WaitCompleted_rethrows_a_failure_only_once_every_task_has_ended_and_a_cancel_counts_as_one()
    {
        using var probe = new Probe();
        var failed = _supervisor.Submit<string>(() => throw new InvalidDataException("failed"));
        var slow = _supervisor.Submit(probe.Blocking("slow"));
        probe.WaitForStarts(1);
        var opener = new Thread(() =>
        {
            try
            {
                failed.Wait(Probe.Patience);
            }
            catch (InvalidDataException)
            {
                // the failure the test expects
            }
            finally
            {
                probe.Open();
            }
        });
        opener.Start();

        Assert.Throws<InvalidDataException>(() => TaskHandle.WaitCompleted([failed, slow], Probe.Patience));
        Assert.Equal(TaskState.Completed, slow.State);
        opener.Join();

        var canceled = _supervisor.Submit(() => "never", new TaskOptions { Delay = TimeSpan.FromHours(1) });
        Assert.True(canceled.Cancel());
        Assert.Throws<OperationCanceledException>(() => TaskHandle.WaitCompleted([slow, canceled, failed], Probe.Patience));
    }

    [Fact]
    public void Submit_rejects_bad_options_naming_what_is_wrong()
    {
        Assert.Throws<ArgumentNullException>(() => _supervisor.Submit((Func<int>)null!));
        var delay = Assert.Throws<ArgumentOutOfRangeException>(() => _supervisor.Submit(() => 1, new TaskOptions { Delay = TimeSpan.FromSeconds(-1), Name = "negative" }));
        Assert.Contains("'negative'", delay.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => _supervisor.Submit(() => 1, new TaskOptions { Priority = (TaskPriority)9 }));
        var other = Assert.Throws<ArgumentException>(() => _supervisor.Submit(() => 1, new TaskOptions { Supervisor = new TaskSupervisor("other") }));
        Assert.Contains("'other'", other.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskMethodInfo("Reports.Build", delaySeconds: double.NaN));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Fail(string message) => throw new FormatException(message);
}
