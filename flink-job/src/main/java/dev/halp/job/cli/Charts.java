package dev.halp.job.cli;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Line charts as small PNGs, drawn headless (no display needed). */
public final class Charts {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;

    private final Map<String, XYSeries> series = new LinkedHashMap<>();
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;

    public Charts(String title, String xLabel, String yLabel, boolean logX) {
        System.setProperty("java.awt.headless", "true");
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
    }

    public Charts add(String name, double x, double y) {
        series.computeIfAbsent(name, n -> new XYSeries(n, false, true)).add(x, y);
        return this;
    }

    public void save(Path file) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        if (logX) {
            LogAxis axis = new LogAxis(xLabel);
            axis.setBase(10);
            plot.setDomainAxis(axis);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
