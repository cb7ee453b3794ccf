using System;
using Atasker.CompilerServices;

namespace Atasker;

/// <summary>What the process runner needs from a process task's handle.</summary>
internal interface IProcessTask
{
    TaskHandle Handle { get; }

    ulong MethodId { get; }

    byte[] Arguments { get; }

    /// <summary>Why the arguments could not be encoded (the task then fails without reaching a worker); null when
    /// they were.</summary>
    Exception? ArgumentsFailure { get; }

    /// <summary>The link from the handle's token to the worker running it (set when the task begins).</summary>
    System.Threading.CancellationTokenRegistration CancelRegistration { get; set; }

    /// <summary>The task's run, once it has begun (see <see cref="TaskRun"/>); every exit path ends it.</summary>
    TaskRun Run { get; set; }

    /// <summary>Decodes the worker's result into the handle (before the handle ends).</summary>
    void ReadResult(ProcessReader result);

    /// <summary>Called once the task has begun (Started), before it is sent.</summary>
    void OnBegun();
}

/// <summary>A process task whose body returns a value: the encoded arguments and the result's decoder.</summary>
internal sealed class ProcessTask<TResult>(ulong methodId, byte[] arguments, Func<ProcessReader, TResult> readResult)
    : TaskHandle<TResult>, IProcessTask
{
    public TaskHandle Handle => this;

    public ulong MethodId { get; } = methodId;

    public byte[] Arguments { get; } = arguments;

    public Exception? ArgumentsFailure => null;

    public System.Threading.CancellationTokenRegistration CancelRegistration { get; set; }

    public TaskRun Run { get; set; }

    public void ReadResult(ProcessReader result)
    {
        SetResult(readResult(result));
        result.EnsureFullyRead();
    }

    public void OnBegun()
    {
    }
}

/// <summary>A process task whose body returns nothing.</summary>
internal sealed class ProcessTask(ulong methodId, byte[] arguments) : TaskHandle, IProcessTask
{
    public TaskHandle Handle => this;

    public ulong MethodId { get; } = methodId;

    public byte[] Arguments { get; } = arguments;

    public Exception? ArgumentsFailure => null;

    public System.Threading.CancellationTokenRegistration CancelRegistration { get; set; }

    public TaskRun Run { get; set; }

    public void ReadResult(ProcessReader result) => result.EnsureFullyRead();

    public void OnBegun()
    {
    }
}
