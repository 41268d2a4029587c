pub fn render_diagnostic() {} pub fn render_diagnostics() {}
