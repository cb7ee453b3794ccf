using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// A delay on a supervisor's clock (<see cref="AsyncLoop.Delay"/>): its task completes on the clock's thread, and
/// its continuations run asynchronously: an <c>await</c> on a loop resumes on the loop, with no .NET ThreadPool thread
/// in between.
/// </summary>
internal sealed class ClockDelay : TaskCompletionSource
{
    private readonly ClockTimer _timer;
    private CancellationTokenRegistration _registration;

    private ClockDelay(SupervisorClock clock, TimeSpan delay, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _timer = clock.CreateTimer(static delay => ((ClockDelay)delay!).Complete(), this);
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (delay, token) => ((ClockDelay)delay!).Cancel(token), this);
        }

        _timer.Arm(clock.Now + clock.ToUnits(delay));
    }

    public static Task Start(SupervisorClock clock, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return delay == TimeSpan.Zero ? Task.CompletedTask : new ClockDelay(clock, delay, cancellationToken).Task;
    }

    private void Complete()
    {
        if (TrySetResult())
        {
            _registration.Dispose();
        }
    }

    private void Cancel(CancellationToken cancellationToken)
    {
        _timer.Disarm();
        TrySetCanceled(cancellationToken);
    }
}
