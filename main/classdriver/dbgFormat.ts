/**
 * printf-style formatting for DbgPrint and StreamClassDebugPrint, with the Windows size prefixes
 * (%I64x, %lx, %llu, %hs) and the usual flags and widths.
 */
export function formatDbg(format: unknown, args: unknown[]): string {
  if (typeof format !== 'string') return String(format)
  let i = 0
  return format.replace(/%([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?(hh|h|ll|l|I64|I32|I|z|w)?([diuxXoscSpPf%])/g, (_m, flags: string, width: string | undefined, precision: string | undefined, _size, conv: string) => {
    if (conv === '%') return '%'
    let w = width === '*' ? Number(args[i++]) : width ? parseInt(width, 10) : 0
    const arg = args[i++]
    let s: string
    switch (conv) {
      case 'd':
      case 'i':
        s = String(Math.trunc(Number(arg)))
        if (flags.includes('+') && Number(arg) >= 0) s = `+${s}`
        break
      case 'u':
        s = String(Number(arg) < 0 ? Number(arg) >>> 0 : Math.trunc(Number(arg)))
        break
      case 'x':
      case 'X':
      case 'p':
      case 'P': {
        const n = Number(arg)
        s = (n < 0 ? n >>> 0 : Math.trunc(n)).toString(16)
        if (conv === 'X' || conv === 'P') s = s.toUpperCase()
        if (conv === 'p' || conv === 'P') s = s.padStart(16, '0')
        if (flags.includes('#')) s = `0x${s}`
        break
      }
      case 'o':
        s = (Number(arg) >>> 0).toString(8)
        break
      case 'c':
        s = typeof arg === 'number' ? String.fromCharCode(arg) : String(arg).charAt(0)
        break
      case 'f':
        s = Number(arg).toFixed(precision ? parseInt(precision, 10) : 6)
        break
      default:
        s = String(arg)
        if (precision) s = s.slice(0, parseInt(precision, 10))
    }
    if (w < 0) w = 0
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w)
      else if (flags.includes('0') && /[diuxXop]/.test(conv)) s = s.padStart(w, '0')
      else s = s.padStart(w)
    }
    return s
  })
}
