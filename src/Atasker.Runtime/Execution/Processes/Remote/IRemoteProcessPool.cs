using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

/// <summary>
/// Runs a supervisor's <see cref="TaskKind.Process"/> tasks somewhere else than this machine's worker processes: on
/// a broker's cluster of workers, for example (<c>Atasker.RabbitMQ</c>). Installed with
/// <see cref="TaskSupervisor.UseRemoteProcessPool"/>; the process pool's limits then bound how many tasks are in
/// flight at once, and the handles behave as for local worker processes.
/// </summary>
public interface IRemoteProcessPool
{
    /// <summary>
    /// Sends one task and completes with its reply. It must complete: with a reply, or by throwing (the handle faults
    /// with that exception: say what was lost and whether the task may still run). When
    /// <paramref name="cancellationToken"/> (the handle's) is canceled, the handle ends Canceled without waiting for
    /// this task; the pool should pass the cancel on to where the task runs, whose body's token it signals.
    /// </summary>
    Task<ProcessTaskReply> RunAsync(RemoteTaskRequest request, CancellationToken cancellationToken);
}

/// <summary>One process task on its way to a remote pool.</summary>
public sealed class RemoteTaskRequest
{
    internal RemoteTaskRequest(long taskId, string name, TaskPriority priority, ulong methodId, byte[] arguments)
    {
        TaskId = taskId;
        Name = name;
        Priority = priority;
        MethodId = methodId;
        Body = EncodeBody(methodId, arguments);
    }

    /// <summary>The handle's id, unique in this process.</summary>
    public long TaskId { get; }

    /// <summary>The task's name (the method, for generated launchers).</summary>
    public string Name { get; }

    /// <summary>The task's priority.</summary>
    public TaskPriority Priority { get; }

    /// <summary>The stable id of the process task (generated from the method's signature).</summary>
    public ulong MethodId { get; }

    /// <summary>What a worker needs to run the task (the method id and the encoded arguments): give it to
    /// <see cref="ProcessWorkerHost.Execute"/> on the other side.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    internal static byte[] EncodeBody(ulong methodId, byte[] arguments)
    {
        var body = new ProcessWriter(arguments.Length + 12);
        body.WriteUInt64(methodId);
        body.WriteBytes(arguments);
        return body.ToArray();
    }
}
