using System.Runtime.InteropServices;

namespace Atasker;

/// <summary>A counter alone on its cache line, so threads writing it do not slow threads reading its neighbours.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)]
    public long Value;
}
