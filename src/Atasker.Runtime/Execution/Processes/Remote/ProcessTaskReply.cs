using System;
using Atasker.CompilerServices;

namespace Atasker;

/// <summary>How a process task ended where it ran.</summary>
public enum ProcessTaskOutcome : byte
{
    /// <summary>The body returned; <see cref="ProcessTaskReply.Payload"/> is its encoded result.</summary>
    Completed = 1,

    /// <summary>The body threw; the payload carries the exception's type, message and stack trace.</summary>
    Faulted = 2,

    /// <summary>The body gave up on its cancellation token.</summary>
    Canceled = 3,

    /// <summary>The task could not run at all (unknown task id, undecodable arguments, too large); the payload
    /// carries the reason.</summary>
    Refused = 4,
}

/// <summary>
/// The reply to one process task, as the worker that ran it sends it back: the outcome, the worker (process id and
/// machine) and the payload. One format for local worker processes and for remote pools.
/// </summary>
public sealed class ProcessTaskReply
{
    private ProcessTaskReply(ProcessTaskOutcome outcome, int workerProcessId, string workerMachine, ReadOnlyMemory<byte> payload)
    {
        Outcome = outcome;
        WorkerProcessId = workerProcessId;
        WorkerMachine = workerMachine;
        Payload = payload;
    }

    /// <summary>How the task ended.</summary>
    public ProcessTaskOutcome Outcome { get; }

    /// <summary>The process the task ran in.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The machine that process runs on.</summary>
    public string WorkerMachine { get; }

    /// <summary>The encoded result (Completed), fault (Faulted: three strings) or reason (Refused: one string).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Where the task ran, for messages: <c>worker process 1234</c>, or <c>worker process 1234 on host</c>
    /// when that is another machine.</summary>
    public string Where => WorkerMachine == Environment.MachineName
        ? $"worker process {WorkerProcessId}"
        : $"worker process {WorkerProcessId} on {WorkerMachine}";

    /// <summary>The reason of a Refused reply, the message of a Faulted one; otherwise null.</summary>
    public string? Reason => Outcome switch
    {
        ProcessTaskOutcome.Refused => new ProcessReader(Payload).ReadString(),
        ProcessTaskOutcome.Faulted => ReadFault().Message,
        _ => null,
    };

    /// <summary>A completed task's reply, from this process.</summary>
    public static ProcessTaskReply Completed(ReadOnlyMemory<byte> result) => Local(ProcessTaskOutcome.Completed, result);

    /// <summary>A canceled task's reply, from this process.</summary>
    public static ProcessTaskReply Canceled() => Local(ProcessTaskOutcome.Canceled, ReadOnlyMemory<byte>.Empty);

    /// <summary>The reply of a task whose body threw <paramref name="error"/>, from this process.</summary>
    public static ProcessTaskReply Faulted(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var fault = new ProcessWriter();
        fault.WriteString(error.GetType().FullName ?? error.GetType().Name);
        fault.WriteString(error.Message);
        fault.WriteString(error.StackTrace ?? "");
        return Local(ProcessTaskOutcome.Faulted, fault.ToArray());
    }

    /// <summary>The reply of a task that could not run, from this process.</summary>
    public static ProcessTaskReply Refused(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var payload = new ProcessWriter();
        payload.WriteString(reason);
        return Local(ProcessTaskOutcome.Refused, payload.ToArray());
    }

    /// <summary>A reply that arrived from another process (its outcome and payload as sent).</summary>
    internal static ProcessTaskReply From(ProcessTaskOutcome outcome, int workerProcessId, string workerMachine, ReadOnlyMemory<byte> payload) =>
        new(outcome, workerProcessId, workerMachine, payload);

    /// <summary>Encodes the reply for a remote pool's wire: outcome, worker, payload.</summary>
    public byte[] Encode()
    {
        var writer = new ProcessWriter(Payload.Length + 32);
        writer.WriteByte((byte)Outcome);
        writer.WriteInt32(WorkerProcessId);
        writer.WriteString(WorkerMachine);
        writer.WriteBytes(Payload.ToArray());
        return writer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="ProcessProtocolException">The data is not a reply.</exception>
    public static ProcessTaskReply Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new ProcessReader(data);
        var outcome = (ProcessTaskOutcome)reader.ReadByte();
        if (outcome is < ProcessTaskOutcome.Completed or > ProcessTaskOutcome.Refused)
        {
            throw new ProcessProtocolException($"Unknown process task outcome {(byte)outcome}.");
        }

        int processId = reader.ReadInt32();
        string machine = reader.ReadString() ?? "";
        byte[] payload = reader.ReadBytes() ?? [];
        reader.EnsureFullyRead();
        return new ProcessTaskReply(outcome, processId, machine, payload);
    }

    /// <summary>The exception a Faulted reply stands for.</summary>
    internal (string Type, string Message, string StackTrace) ReadFault()
    {
        var reader = new ProcessReader(Payload);
        return (reader.ReadString() ?? "", reader.ReadString() ?? "", reader.ReadString() ?? "");
    }

    private static ProcessTaskReply Local(ProcessTaskOutcome outcome, ReadOnlyMemory<byte> payload) =>
        new(outcome, Environment.ProcessId, Environment.MachineName, payload);
}
