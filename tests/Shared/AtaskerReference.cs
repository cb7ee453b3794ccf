using Microsoft.CodeAnalysis;

namespace Atasker.Testing;

/// <summary>Atasker's reference assembly as a consumer compiles against it (see AtaskerReference.targets).</summary>
internal static class AtaskerReference
{
    public static MetadataReference Metadata { get; } =
        MetadataReference.CreateFromFile(System.IO.Path.Combine(AppContext.BaseDirectory, "refs", "Atasker.dll"));
}
