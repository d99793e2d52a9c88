package dev.pangate.endpoint.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A stacked bar chart as inline SVG: one bar per category (a day, an hour, a status), one colour
 * per series (an agent, an error code), a value axis, a legend, and each segment's count in its
 * tooltip. Written by hand: the report must be one file with no script and no network, and the
 * Java SVG libraries (Batik, JFreeSVG) are large or bring a plotting toolkit for three bar charts.
 */
final class BarChart {

  private static final String[] COLOURS = {"#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f",
      "#c53030", "#2c7a7b", "#97266d", "#4a5568", "#276749"};
  private static final int WIDTH = 760;
  private static final int HEIGHT = 240;
  private static final int LEFT = 48;
  private static final int RIGHT = 12;
  private static final int TOP = 12;
  private static final int BOTTOM = 56;

  private BarChart() {}

  /**
   * The chart.
   *
   * @param id the SVG element's id
   * @param title what it shows (the SVG's accessible title)
   * @param data category → series → value, categories in display order
   * @return the SVG element, or a sentence when there is nothing to draw
   */
  static String svg(String id, String title, Map<String, Map<String, Long>> data) {
    TreeSet<String> series = new TreeSet<>();
    long max = 0;
    for (Map<String, Long> values : data.values()) {
      series.addAll(values.keySet());
      max = Math.max(max, values.values().stream().mapToLong(Long::longValue).sum());
    }
    if (max == 0) {
      return "<p class=\"empty\">Nothing in this period.</p>";
    }
    long step = niceStep(max);
    long top = ((max + step - 1) / step) * step;
    Map<String, String> colour = new LinkedHashMap<>();
    int c = 0;
    for (String s : series) {
      colour.put(s, COLOURS[c++ % COLOURS.length]);
    }
    int legendRows = (series.size() + 3) / 4;
    int height = HEIGHT + legendRows * 18;
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" id=\"").append(Html.escape(id)).append("\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
        .append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
    svg.append("<title>").append(Html.escape(title)).append("</title>");
    for (long v = 0; v <= top; v += step) {
      double y = TOP + plotHeight - plotHeight * v / top;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>", LEFT, y, WIDTH - RIGHT, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>",
          LEFT - 6, y + 4, v));
    }
    List<String> categories = new ArrayList<>(data.keySet());
    double slot = plotWidth / categories.size();
    double barWidth = Math.max(2, Math.min(48, slot * 0.7));
    int labelEvery = Math.max(1, (int) Math.ceil(categories.size() / 12.0));
    for (int i = 0; i < categories.size(); i++) {
      String category = categories.get(i);
      double x = LEFT + slot * i + (slot - barWidth) / 2;
      double base = TOP + plotHeight;
      for (Map.Entry<String, Long> e : new java.util.TreeMap<>(data.get(category)).entrySet()) {
        if (e.getValue() <= 0) {
          continue;
        }
        double h = plotHeight * e.getValue() / top;
        base -= h;
        svg.append(String.format(Locale.ROOT,
            "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" data-value=\"%d\">",
            x, base, barWidth, h, colour.get(e.getKey()), e.getValue()));
        svg.append("<title>").append(Html.escape(category + " · " + e.getKey() + ": " + e.getValue()))
            .append("</title></rect>");
      }
      if (i % labelEvery == 0) {
        svg.append(String.format(Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>",
            LEFT + slot * i + slot / 2, HEIGHT - BOTTOM + 16, Html.escape(shortLabel(category))));
      }
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"baseline\"/>",
        LEFT, TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight));
    int n = 0;
    for (Map.Entry<String, String> e : colour.entrySet()) {
      int col = n % 4;
      int row = n / 4;
      int x = LEFT + col * 180;
      int y = HEIGHT - 22 + row * 18;
      svg.append("<rect x=\"").append(x).append("\" y=\"").append(y - 10).append("\" width=\"12\" height=\"12\" fill=\"")
          .append(e.getValue()).append("\"/>");
      svg.append("<text x=\"").append(x + 16).append("\" y=\"").append(y).append("\" class=\"legend\">")
          .append(Html.escape(e.getKey())).append("</text>");
      n++;
    }
    svg.append("</svg>");
    return svg.toString();
  }

  private static String shortLabel(String category) {
    // 2026-12-02T01:00 -> 12-02 01:00; 2026-12-02 -> 12-02
    if (category.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}")) {
      return category.substring(5, 10) + " " + category.substring(11);
    }
    if (category.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return category.substring(5);
    }
    return category.length() > 18 ? category.substring(0, 17) + "…" : category;
  }

  private static long niceStep(long max) {
    long raw = Math.max(1, max / 5);
    long magnitude = 1;
    while (magnitude * 10 <= raw) {
      magnitude *= 10;
    }
    for (long m : new long[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
